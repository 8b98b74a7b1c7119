"""Statistics engine: pure functions (numpy/scipy/pandas only, no Django imports).

Methods follow NHS England "Making Data Count" (SPC) and OHID/PHE Fingertips indicator methods; see each
module's docstring for the choices made where the references disagree.
"""
