"""Timed annotation: how many human seconds a structure costs, measured or simulated.

    session.py    the timing rule (gaps between events longer than the idle threshold are
                  excluded), pseudonymous annotator ids, sessions and items in the store
                  (written item by item, resumable)
    flow.py       one browser session without Streamlit: canvas changes, SAM prompts, SSL
                  review, accept/reject; the Annotate page only draws it
    canvas.py     drawing-canvas JSON -> polygons, boxes, points (image pixels)
    masks.py      polygon masks, Dice, boxes and interior points derived from a mask
    simulated.py  the simulated annotator (prompts from ground truth, stated time model)
    summary.py    cost-model inputs with 95 % intervals; measured and simulated never mixed
    dataset.py    the frames a session shows (phantom or a folder) and the item plan
    texts.py      the Annotate page's English and Japanese words

Command: `segroi annotate-sim` (engine/commands/annotate_sim.py). Page: dashboard/pages/annotate.py.
"""
