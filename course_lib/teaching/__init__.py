"""Teaching: ``plot`` (the course's figures), ``figures`` (their style, sized for a projector) and
``widgets`` (ipywidgets for the notebooks).

Layer 6: imports everything below it.
"""
