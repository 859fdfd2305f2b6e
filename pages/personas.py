"""Personas: one card per persona, readable without knowing how it was computed."""

import streamlit as st

from pages._shared import commit, md, user_errors, workspace
from persona_mining import charts, outcomes, refine, tables
from persona_mining.cards import MIN_LABEL_COUNT
from persona_mining.events import current_journeys
from persona_mining.i18n import N_, _, fmt_number, fmt_percent, ngettext
from persona_mining.profile import humanize

ws = workspace()
st.title(_("Personas"))
personas = ws.personas()
labels = ws.state().labels
n_out = int((labels == refine.UNASSIGNED).sum())
fit = (_("Every customer belongs to one of them.") if n_out == 0 else
       ngettext("{n} customer ({share}) fits no persona well and is left out.",
                "{n} customers ({share}) fit no persona well and are left out.", n_out,
                n=fmt_number(n_out), share=fmt_percent(n_out / ws.n)))
source = ws.source.source or _("your data")
st.caption(ngettext("{k} persona found among {n} customers in “{file}”.",
                    "{k} personas found among {n} customers in “{file}”.", len(personas),
                    k=len(personas), n=fmt_number(ws.n), file=md(source))
           + " " + fit + " " + _("Edit any card below; changes are saved automatically."))
figures = outcomes.persona_outcomes(ws)
if figures:
    everyone = "; ".join(f"{md(outcomes.title(f.spec))} {md(outcomes.fmt_value(f.kind, f.value))}"
                         for f in figures[outcomes.ALL])
    st.caption(_("Outcomes of all customers: {figures}. Each card shows its persona's outcomes "
                 "with a 95 % interval; outcomes are not used to find the personas.",
                 figures=everyone))
    with st.expander(_("How outcome figures are computed")):
        st.markdown(md(outcomes.method_note()))
show_ids = st.toggle(_("Show customer ids"), value=False, key="show_ids",
                     help=_("Off by default: ids point to real people. Turn on only if you "
                            "need to look a typical customer up."))

BADGE = {"stable": ("green", N_("Stable"), N_("comes back reliably")),
         "shaky": ("orange", N_("Shaky"), N_("comes back mostly: treat with care")),
         "unstable": ("red", N_("Unstable"), N_("often does not come back: consider merging it")),
         "not measured": ("gray", N_("Not checked"), N_("stability not checked"))}
LISTS = (("goals", N_("Goals")), ("pain_points", N_("Pain points")), ("quotes", N_("Quotes")),
         ("hypotheses", N_("Business hypotheses")))


def lines(value) -> str:
    return "\n".join(value or [])


def edit_form(p, fields) -> None:
    with st.form(f"form_{p.id}", border=False):
        name = st.text_input(_("Name"), value=fields.get("name") or p.suggested_name,
                             key=f"name_{p.id}", max_chars=refine.MAX_TEXT)
        desc = st.text_area(_("Description"), value=fields.get("description") or p.suggested_description,
                            key=f"desc_{p.id}", height=80)
        c1, c2 = st.columns(2)
        goals = c1.text_area(_("Goals (one per line)"), lines(fields.get("goals")), key=f"goals_{p.id}")
        pains = c2.text_area(_("Pain points (one per line)"), lines(fields.get("pain_points")),
                             key=f"pains_{p.id}")
        quotes = c1.text_area(_("Quotes (one per line)"), lines(fields.get("quotes")),
                              key=f"quotes_{p.id}")
        hyps = c2.text_area(_("Business hypotheses (one per line)"), lines(fields.get("hypotheses")),
                            key=f"hyps_{p.id}")
        notes = c1.text_area(_("Notes"), fields.get("notes", ""), key=f"notes_{p.id}")
        tags = c2.text_input(_("Tags (comma separated)"), ", ".join(fields.get("tags", [])),
                             key=f"tags_{p.id}")
        if st.form_submit_button(_("Save changes"), type="primary"):
            new = {"name": name, "description": desc, "goals": goals.splitlines(),
                   "pain_points": pains.splitlines(), "quotes": quotes.splitlines(),
                   "hypotheses": hyps.splitlines(), "notes": notes,
                   "tags": [t.strip() for t in tags.split(",")]}
            shown = {"name": p.suggested_name, "description": p.suggested_description, "notes": ""}
            with user_errors():
                current = workspace()
                edits = [refine.edit_set(current.state(), p.id, f, v) for f, v in new.items()]
                edits = [e for e in edits
                         if e["value"] != (fields.get(e["field"]) or shown.get(e["field"], []))]
                for e in edits:
                    current = current.with_edit(e)
                if edits:
                    commit(current)
                    st.rerun()


def outcome_rows(p, where) -> None:
    """The persona's outcomes: per outcome a metric (value, change vs all customers) with
    its plain sentence beside it."""
    for fig in figures.get(p.id, []):
        m = outcomes.metric(fig)
        left, right = where.columns([1, 2], vertical_alignment="center")
        left.metric(md(m.title), m.value, delta=m.delta, delta_color=m.color, help=md(m.help))
        right.markdown(md(outcomes.sentence(fig)))


def card(p) -> None:
    fields = ws.state().fields.get(p.id, {})
    with st.container(border=True):
        head, stats = st.columns([3, 1])
        head.subheader(md(ws.persona_name(p.id)), anchor=False)
        head.write(md(fields.get("description") or p.suggested_description))
        if fields.get("tags"):
            head.caption(_("Tags: {tags}", tags=", ".join(md(t) for t in fields["tags"])))
        color, word, meaning = BADGE.get(p.stability_label, BADGE["not measured"])
        customers = ngettext("{n} customer", "{n} customers", p.size, n=fmt_number(p.size))
        stats.metric(_("Share of customers"), fmt_percent(p.share, 1), help=customers)
        score = "" if p.stability is None else f" · {fmt_number(p.stability, 2)}"
        stats.badge(_(word) + score, color=color,
                    help=_("How reliably this persona comes back when the analysis is repeated "
                           "on other samples of customers: 1 = every time; 0.75 and more is "
                           "stable, below 0.5 unstable."))
        stats.caption(f"{customers} · {p.id} · {_(meaning)}")
        outcome_rows(p, head)

        left, right = st.columns([1, 1])
        with left:
            st.markdown("**" + _("What sets them apart") + "**")
            if p.traits:
                st.markdown("\n".join(f"- {md(t.sentence)}" for t in p.traits))
            else:
                st.caption(_("Nothing sets them clearly apart from the average customer."))
        with right:
            chart = charts.trait_bars(p)
            if chart is not None:
                st.altair_chart(chart, width="stretch")

        left, right = st.columns([1, 1])
        with left:
            st.markdown("**" + _("How to recognise them") + "**")
            if p.rules:
                st.markdown("\n".join("- " + _("If {rule}", rule=md(r.text)) for r in p.rules))
            else:
                st.caption(_("No simple rule of up to three conditions picks out this persona: "
                             "its customers differ from the others in several traits at once. "
                             "Check whether it is worth keeping, or merge it."))
            for col, mix in p.label_mix:      # known labels; never values of a few people
                shown = [(v, s) for v, s in mix[:3] if s >= 0.01 and s * p.size >= MIN_LABEL_COUNT]
                if shown:
                    st.caption(f"{md(humanize(col))}: " +
                               ", ".join(f"{md(v)} {fmt_percent(s)}" for v, s in shown))
        with right:
            for f, title in LISTS:
                if fields.get(f):
                    st.markdown(f"**{_(title)}**")
                    st.markdown("\n".join(f"- {md(item)}" for item in fields[f]))
            if fields.get("notes"):
                st.markdown("**" + _("Notes") + "**")
                st.text(fields["notes"])

        journey = current_journeys(ws).get(p.id)
        if journey:
            with st.expander(_("Customer journey"), expanded=False):
                st.markdown("**" + _("Most frequent steps") + "**")
                jchart = charts.transition_chart(journey)
                if jchart is not None:
                    st.altair_chart(jchart, width="stretch")
                if journey.get("before_purchase"):
                    st.markdown(_("**Just before a purchase:** {touchpoints}", touchpoints=", ".join(
                        f"{md(b['touchpoint'])} ({fmt_percent(b['share'])})"
                        for b in journey["before_purchase"][:3])))
                if journey.get("paths"):
                    st.markdown(_("**Typical path:** {path}", path=" → ".join(
                        md(s) for s in journey["paths"][0]["path"])))
                rate = journey.get("channel_switch_rate")
                parts = [_("First touchpoints: {touchpoints}",
                           touchpoints=", ".join(map(md, journey.get("first_touchpoints", [])))),
                         _("last: {touchpoints}",
                           touchpoints=", ".join(map(md, journey.get("last_touchpoints", []))))]
                if rate is not None:
                    parts.append(_("switches channel in {share} of steps", share=fmt_percent(rate)))
                st.caption(" · ".join(parts))
        with st.expander(_("Typical customers of this persona")):
            st.caption(_("The customers who are most typical for this persona, described by "
                         "what they do."))
            st.dataframe(tables.example_customers(ws, p, show_ids=show_ids), hide_index=True,
                         width="stretch")
        with st.expander(_("Edit name, description, goals, pain points, quotes, notes")):
            edit_form(p, fields)


if not personas:
    st.info(_("No personas yet: every customer is unassigned. Try other settings on the "
              "Discover page, or undo the last edit on the Refine page."))
for p in personas:
    card(p)
