"""Privacy minimums for figures about small groups of customers.

A figure about a group is an aggregate, but an aggregate over very few people says
something about each of them ("3 of these 4 customers cancelled"). These are the
smallest group sizes for which persona outputs show a figure at all; below them the
figure is left out on every page and in every export (cards JSON, PDF, Markdown, the
tracking files). A user can make a tiny persona by editing (split, reassign), so the
check is made on the group as it is now, not at discovery time.
"""

from __future__ import annotations

# Outcome figures (churn rate, mean value, ... with their confidence interval) are shown
# for a group only when at least this many of its customers have a value. 10 is the
# cell minimum many statistics offices use for published tables; it also keeps a 95 %
# interval from being wider than the figure itself.
MIN_GROUP_SIZE = 10

# A label value (a known segment, a region) is listed on a persona card only when at
# least this many of the persona's customers share it: a value held by one or two people
# points at them.
MIN_VALUE_COUNT = 5

__all__ = ["MIN_GROUP_SIZE", "MIN_VALUE_COUNT"]
