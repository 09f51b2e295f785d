"""SQL functions over the administrative reference data bundled in the package
(technoveille.core.reference: Etalab's « découpage administratif »), for the dossier pages
and for analysts:

    commune_nom('06088')          -> 'Nice'
    commune_siren('06088')        -> '210600888'
    commune_epci('06088')         -> '200030195' (SIREN of its EPCI)
    organisme_nom('210600888')    -> 'Nice'   (a commune's or an EPCI's SIREN; a SIRET works)
    organisme_type('200030195')   -> 'METRO'  ('commune', 'CC', 'CA', 'CU', 'METRO', 'EPT'…)
    organisme_commune('21060088800015') -> '06088' (when the SIREN is a commune's)
    departement_nom('06')         -> 'Alpes-Maritimes'

The data is read from the package, not copied into the published database: one source of
truth, no 35,000-row table in every snapshot, and any snapshot (old ones included) gets the
names. Unknown codes give NULL."""
from datasette import hookimpl

from technoveille.core import reference


def _field(getter, attribute):
    def function(value):
        if value is None:
            return None
        found = getter(str(value))
        return getattr(found, attribute) if found else None
    return function


def organisme_type(value):
    if value is None:
        return None
    if reference.commune_by_siren(str(value)):
        return "commune"
    group = reference.epci(str(value))
    return group.type if group else None


FUNCTIONS = {
    "commune_nom": _field(reference.commune, "nom"),
    "commune_siren": _field(reference.commune, "siren"),
    "commune_epci": _field(reference.commune, "epci"),
    "organisme_nom": _field(reference.organisation, "nom"),
    "organisme_type": organisme_type,
    "organisme_commune": _field(reference.commune_by_siren, "insee"),
    "departement_nom": _field(reference.departement, "nom"),
}


@hookimpl
def prepare_connection(conn):
    for name, function in FUNCTIONS.items():
        conn.create_function(name, 1, function, deterministic=True)
