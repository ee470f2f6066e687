"""Teaching: the safe expression language (expr.py), backward() explained term by term (stepper.py), learners'
workspaces (exercises.py) and the playground's training views (live.py). The grader is engine/grader/."""
