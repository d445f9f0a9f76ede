"""Timed annotation: how many human seconds a structure costs, measured or simulated.

    timing.py     the timing rule: display to accept, hidden time idle, SAM compute nobody's,
                  pauses longer than the idle threshold idle, the rest active
    activity.py   the browser's activity reports (pointer events, page visibility): checked
                  against garbage and put on the server's clock
    session.py    the item clock, pseudonymous annotator ids, sessions and items in the store
                  (written item by item, resumable; each item says how it was timed)
    flow.py       one browser session without Streamlit: canvas changes, SAM prompts, SSL
                  review, accept/reject; the Annotate page only draws it
    canvas.py     the annotation canvas's drawing -> polygons, boxes, points (image pixels)
    masks.py      polygon masks, Dice, boxes and interior points derived from a mask
    simulated.py  the simulated annotator (prompts from ground truth, stated time model)
    summary.py    cost-model inputs with 95 % intervals; measured and simulated never mixed,
                  items timed the old way only when asked for
    dataset.py    the frames a session shows (phantom or a folder) and the item plan
    texts.py      the Annotate page's English and Japanese words

Command: `segroi annotate-sim` (engine/commands/annotate_sim.py). Page: dashboard/views/annotate.py,
with its canvas component in dashboard/components/annotation_canvas.
"""
