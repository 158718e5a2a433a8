"""Charts: the salary ranges and the career ladders as pictures.

Discord-free, like :mod:`bot.core`: a chart is PNG bytes plus the words that describe
it (:class:`Chart`), drawn from ``knowledge/figures.yaml`` with matplotlib's Agg
backend. Only :mod:`.render` is imported at start-up; matplotlib itself is imported
on the first render, and may be missing altogether (charts are an extra).

* :mod:`.render`: :func:`render_chart`, :class:`Chart`, whether charts are available;
* :mod:`.cache`: :class:`ChartCache`, rendering once per KB load off the event loop;
* :mod:`.choice`: which chart (if any) goes with a reply;
* :mod:`.describe`: source lines and descriptions (alt text) in words;
* :mod:`.canvas`, :mod:`.salary`, :mod:`.ladder`: the drawing (these import matplotlib).
"""
