"""The browser engine: what a browser decides about each fetch(), modelled on the Fetch Standard and Chromium 156.

One module per step or vocabulary: ``fetch`` (the algorithm, `Browser`), ``network`` (the only socket code),
``failures`` (every failure's words, the one table), ``result`` (`FetchResult`, `Exchange`, `Step`, `StepKind`),
``explain`` (the step-by-step text), ``origin``, ``safelist``, ``preflight``, ``check``, ``redirects``, ``cookies``
and ``data_url`` (the rules each step applies).
"""
