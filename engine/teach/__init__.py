"""Teaching: the safe expression language (expr.py), backward() explained term by term (stepper.py),
learners' workspaces (exercises.py) and their grader: the verdict (grade.py), what runs of the learner's code
and only in a child process (probes.py, sandbox.py), and a whole class at once (classroom.py). All derive
from RULES and engine/ops.py."""
