"""Teaching: ``plot`` (the course's figures) and ``widgets`` (ipywidgets for the notebooks).

Layer 6: imports everything below it.
"""
