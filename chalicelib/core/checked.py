"""What the accessibility statement says the tests check, kept in one place.

The statement (templates/accessibility.html) shows these figures, and tests/web/test_phones.py measures
exactly them: that many pages (every page type of devtools/page_types.py, the public ones signed out and
signed in), each list filled with that many rows of long data (devtools/long_data.py), at each width.
The test fails when its pages are another number, so the statement cannot claim more than was checked.
"""

from __future__ import annotations

PAGES = 66
ROWS = 50
WIDTHS = (320, 390, 1280)
