"""Teaching: the safe expression language (expr.py), backward() explained term by term (stepper.py), learners'
workspaces (exercises.py) and the graph helpers they share (graphs.py). The grader is engine/grader/; the
playground's own Python is engine/playground/."""
