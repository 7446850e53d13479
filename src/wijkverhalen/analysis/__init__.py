"""Counting coded material with pandas: frequencies, matrices, co-occurrence, agreement.

* :mod:`.frames` turns a project into DataFrames (one row per coding, per document);
* :mod:`.matrices` builds code frequencies, code x attribute, code x document and
  code x code (co-occurrence) matrices with counts and document shares;
* :mod:`.agreement` computes inter-coder agreement (Krippendorff's alpha) per code.

pandas is imported inside the modules, which the CLI imports only inside commands.
"""

from __future__ import annotations
