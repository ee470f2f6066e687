"""The playground's Python, run in the page's Pyodide worker: the training views a step at a time (training.py), their
settings defined once (settings.py), and the course's lessons and their checks (lessons.py). The page's grading is
engine/grader/web.py; the Expression view's stepper is engine/teach/stepper.py."""
