"""Teaching: the safe expression language (expr.py), backward() explained term by term (stepper.py),
learners' workspaces (exercises.py) and their grader (grade.py). All derive from RULES and engine/ops.py."""
