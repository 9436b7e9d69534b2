"""Tools: ``book`` (executes the notebooks; builds the book, the slides and the student edition) and
``crepe_cli`` (the pitch command line). Layer 7, the top: nothing in course_lib imports it.
"""
