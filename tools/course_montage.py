"""python tools/course_montage.py: the README's one picture, lessons 2, 7 and 8 side by side, from the screenshots
that tests/test_course_in_the_page.py takes (reports/lesson-{2,7,8}.png) into visualizations/course-lessons.png;
each screenshot is also kept whole as visualizations/course-lesson-N.png for the docs."""

import shutil
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
LESSONS = (2, 7, 8)
WIDTH = 640  # each lesson's width in the picture


def main():
    shots = [ROOT / "reports" / f"lesson-{n}.png" for n in LESSONS]
    missing = [str(p) for p in shots if not p.exists()]
    if missing:
        print(f"error: run tests/test_course_in_the_page.py first: {', '.join(missing)} missing", file=sys.stderr)
        return 1
    images = [Image.open(p).convert("RGB") for p in shots]
    scaled = [im.resize((WIDTH, round(im.height * WIDTH / im.width)), Image.LANCZOS) for im in images]
    gap = 12
    size = (len(scaled) * WIDTH + gap * (len(scaled) - 1), max(im.height for im in scaled))
    picture = Image.new("RGB", size, "white")
    for i, im in enumerate(scaled):
        picture.paste(im, (i * (WIDTH + gap), 0))
    out = ROOT / "visualizations"
    picture.save(out / "course-lessons.png", optimize=True)
    for n, p in zip(LESSONS, shots, strict=True):
        shutil.copy(p, out / f"course-lesson-{n}.png")
    print(f"wrote {out / 'course-lessons.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
