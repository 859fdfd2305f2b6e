"""Personas: one card per persona, readable without knowing how it was computed."""

import pandas as pd
import streamlit as st

from pages._shared import commit, user_errors, workspace
from persona_mining import charts, refine
from persona_mining.profile import humanize

ws = workspace()
st.title("Personas")
personas = ws.personas()
labels = ws.state().labels
unassigned = float((labels == "unassigned").mean())
st.caption(f"{len(personas)} personas found in {ws.n:,} customers of "
           f"“{ws.source.get('source', 'your data')}”. {unassigned:.0%} of customers fit no "
           "persona well. Edit any field below; changes are saved automatically.")
show_ids = st.toggle("Show customer ids of example customers", value=False, key="show_ids",
                     help="Off by default: ids identify people.")

BADGE = {"stable": ("green", "found again reliably when re-checked"),
         "shaky": ("orange", "found in most re-checks — treat with care"),
         "unstable": ("red", "often not found again — consider merging it"),
         "not measured": ("gray", "not measured")}


def example_customers(p) -> pd.DataFrame:
    cols = [c for c in ws.prep.source_columns_ if c in ws.data.columns][:8]
    ex = ws.data.iloc[list(p.prototypes)][cols].copy()
    ex.columns = [humanize(c) for c in cols]
    if show_ids:
        ex.insert(0, "customer id", ws.ids[list(p.prototypes)])
    return ex.reset_index(drop=True)


def lines(value) -> str:
    return "\n".join(value or [])


def edit_form(p, fields) -> None:
    with st.form(f"form_{p.id}", border=False):
        name = st.text_input("Name", value=fields.get("name") or p.suggested_name,
                             key=f"name_{p.id}")
        desc = st.text_area("Description", value=fields.get("description") or p.suggested_description,
                            key=f"desc_{p.id}", height=80)
        c1, c2 = st.columns(2)
        goals = c1.text_area("Goals (one per line)", lines(fields.get("goals")), key=f"goals_{p.id}")
        pains = c2.text_area("Pain points (one per line)", lines(fields.get("pain_points")),
                             key=f"pains_{p.id}")
        quotes = c1.text_area("Quotes (one per line)", lines(fields.get("quotes")), key=f"quotes_{p.id}")
        hyps = c2.text_area("Business hypotheses (one per line)", lines(fields.get("hypotheses")),
                            key=f"hyps_{p.id}")
        notes = c1.text_area("Notes", fields.get("notes", ""), key=f"notes_{p.id}")
        tags = c2.text_input("Tags (comma separated)", ", ".join(fields.get("tags", [])),
                             key=f"tags_{p.id}")
        if st.form_submit_button("Save changes"):
            new = {"name": name, "description": desc, "goals": goals.splitlines(),
                   "pain_points": pains.splitlines(), "quotes": quotes.splitlines(),
                   "hypotheses": hyps.splitlines(), "notes": notes,
                   "tags": [t.strip() for t in tags.split(",")]}
            shown = {"name": p.suggested_name, "description": p.suggested_description, "notes": ""}
            with user_errors():
                edits = [refine.edit_set(ws.state(), p.id, f, v) for f, v in new.items()]
                edits = [e for e in edits
                         if e["value"] != (fields.get(e["field"]) or shown.get(e["field"], []))]
                for e in edits:
                    commit(workspace().with_edit(e))
                if edits:
                    st.rerun()


for p in personas:
    fields = ws.state().fields.get(p.id, {})
    with st.container(border=True):
        head, stats = st.columns([3, 2])
        head.subheader(ws.persona_name(p.id))
        head.write(fields.get("description") or p.suggested_description)
        color, meaning = BADGE[p.stability_label]
        stab = "" if p.stability is None else f" ({p.stability:.2f})"
        stats.metric("Share of customers", f"{p.share:.1%}", help=f"{p.size:,} customers")
        stats.badge(f"{p.stability_label}{stab}", color=color)
        stats.caption(f"{p.size:,} customers · {p.id} · {meaning}")
        left, right = st.columns([3, 2])
        with left:
            st.markdown("**What sets them apart**")
            for t in p.traits:
                st.markdown(f"- {t.sentence}")
            chart = charts.trait_bars(p)
            if chart is not None:
                st.altair_chart(chart, width="stretch")
        with right:
            if p.rules:
                st.markdown("**How to recognise them**")
                for r in p.rules:
                    st.markdown(f"- If {r.text}")
            for f, title in (("goals", "Goals"), ("pain_points", "Pain points"),
                             ("quotes", "Quotes"), ("hypotheses", "Business hypotheses")):
                if fields.get(f):
                    st.markdown(f"**{title}**")
                    for item in fields[f]:
                        st.markdown(f"- {item}")
            if fields.get("tags"):
                st.caption("Tags: " + ", ".join(fields["tags"]))
            for col, mix in p.label_mix:
                st.caption(f"{humanize(col)}: " + ", ".join(f"{v} {s:.0%}" for v, s in mix[:3]))
        journey = ws.extras.get("journeys", {}).get(p.id) if ws.state().origin.get(p.id) == "discovered" else None
        if journey:
            with st.expander("Customer journey", expanded=False):
                st.markdown("**Most frequent steps**")
                st.altair_chart(charts.transition_chart(journey), width="stretch")
                if journey["before_purchase"]:
                    st.markdown("**Just before a purchase:** " + ", ".join(
                        f"{b['touchpoint']} ({b['share']:.0%})" for b in journey["before_purchase"][:3]))
                if journey["paths"]:
                    st.markdown("**Typical path:** " + " → ".join(journey["paths"][0]["path"]))
                st.caption(f"First touchpoints: {', '.join(journey['first_touchpoints'])} · last: "
                           f"{', '.join(journey['last_touchpoints'])}"
                           + ("" if journey["channel_switch_rate"] is None else
                              f" · switches channel in {journey['channel_switch_rate']:.0%} of steps"))
        with st.expander("Typical customers of this persona"):
            st.dataframe(example_customers(p), hide_index=True)
        with st.expander("Edit name, description, goals, pain points, quotes, notes"):
            edit_form(p, fields)
