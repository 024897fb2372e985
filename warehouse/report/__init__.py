"""Review outputs for translators and revisers: the review page and the review workbook.

:mod:`~warehouse.report.data` reads a resolution into plain records,
:mod:`~warehouse.report.render` renders the self-contained HTML page from the packaged
templates and static files, :mod:`~warehouse.report.marks` places findings in the text.
"""
