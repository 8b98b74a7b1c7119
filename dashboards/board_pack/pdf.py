"""HTML to PDF through WeasyPrint (which needs Debian's Pango). No Django imports."""

from __future__ import annotations

from .images import CHROMIUM, chromium_path

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def missing() -> str | None:
    """Why a pack cannot be rendered on this machine, or None when everything it needs is there."""
    if chromium_path() is None:
        return f"board pack charts need Debian's Chromium at {CHROMIUM} (make system-packages)"
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except (ImportError, OSError) as exc:
        return f"board pack PDFs need WeasyPrint and Pango ({PANGO_PACKAGES}; make system-packages): {exc}"
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:
        return f"board pack charts need kaleido (make install): {exc}"
    return None


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of a self-contained HTML page, and its number of pages."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    return document.write_pdf(), len(document.pages)
