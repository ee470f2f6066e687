"""The grader of learners' workspaces: each exercise one check (checks.py), run beside the learner's code by a
standalone runner (runner.py) in a sandbox of its own (sandbox.py), its report checked against a strict schema
(report.py) and judged here (grade.py); a class at once (classroom.py), the page's entry points (web.py)."""
