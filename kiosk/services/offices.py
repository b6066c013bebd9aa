"""The office registry (X8): adding an office to a deployment."""
from ..domain.errors import InvalidRequest, N_
from ..domain.offices import Office, check_slug
from ..domain.text import clean_line


def add_office(backend, now, actor: str, slug: str, name: str, name_en: str = "", phone: str = "") -> Office:
    """A new office: its short name (in its URLs), its names and phone number. Audited in its own log."""
    check_slug(slug)
    names = [clean_line(v, 80) for v in (name, name_en, phone)]
    if any(v is None for v in names) or not names[0]:
        raise InvalidRequest(N_("The request is not valid."))
    if any(o.slug == slug for o in backend.offices() if slug != backend.default_slug):
        raise InvalidRequest(N_("The request is not valid."))
    office = Office(slug=slug, name=names[0], name_en=names[1], phone=names[2], created_at=now)
    backend.save_office(office)
    store = backend.office(slug)
    with store.transaction():
        store.audit(now, actor, "office.add", office=slug, name=office.name)
    return office
