"""Linking stories to the other inventories of the monitor (the "rode lijn").

* :mod:`.indicators` reads Wijkprofiel-style tables (pandas) into indicator values;
* :mod:`wijkverhalen.models.areas` knows the areas and their groups (BoTu, NPRZ focus
  neighbourhoods, Rotterdam); the store needs them too, so they live with the models;
* :mod:`.actors` reads the actor registry and finds mentions with spaCy's PhraseMatcher;
* :mod:`.network` builds the actor/code network with networkx and exports it;
* :mod:`.triangulation` sets the qualitative evidence beside the indicator trends and
  gives a verdict per code and indicator; :mod:`.report` writes it as Markdown/XLSX/JSON;
* :mod:`.plots` draws the indicator series with matplotlib.

This package is imported lazily by the CLI: importing it pulls in nothing heavy, each
module imports pandas, networkx or matplotlib inside its functions. It never imports
Textual.
"""

from __future__ import annotations
