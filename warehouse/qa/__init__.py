"""Translation and terminology QA over the aligned corpus (issue 6).

One module per check, each a pure function over :class:`~warehouse.qa.model.QAGroup`
records returning :class:`~warehouse.qa.model.Finding` records; ``registry`` lists them
and ``run`` reads groups from the warehouse and writes findings back.
"""
