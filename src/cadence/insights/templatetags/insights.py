"""Template helpers for insights pages: export links that keep the page's
filters, cell formatting and heat-map shading."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from cadence.insights.access import NOT_ENOUGH
from cadence.insights.report_cache import REFRESH_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: dict[str, Any], table: str, fmt: str = "csv") -> str:
    """This page's URL with its filters, plus ?table=…&format=…"""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop(REFRESH_PARAM, None)
    query["table"] = table
    query["format"] = fmt
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def with_param(context: dict[str, Any], name: str, value: Any) -> str:
    """This page's URL with one filter changed (and no export)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop("table", None)
    query.pop("format", None)
    query.pop(REFRESH_PARAM, None)
    query[name] = str(value)
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def refresh_url(context: dict[str, Any]) -> str:
    """This page's URL with its filters, recomputing kept figures."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop("table", None)
    query.pop("format", None)
    query[REFRESH_PARAM] = "1"
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def fragment_key(context: dict[str, Any], version: str) -> str:
    """What a cached rendering of a kept report depends on: the report's
    computation and the page's filters (its export links carry them)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop(REFRESH_PARAM, None)
    return f"{version}|{request.path}?{query.urlencode()}"


@register.filter
def cell(value: Any) -> str:
    """A table cell as text: "—" for nothing, numbers without float noise."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return (
            f"{value:,.4g}"
            if abs(value) < 0.001 and value
            else f"{value:,.2f}".rstrip("0").rstrip(".")
        )
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.filter
def is_suppressed(value: Any) -> bool:
    return value == NOT_ENOUGH


@register.simple_tag
def heat(value: Any, maximum: float) -> str:
    """An inline style shading a number cell by its share of the largest."""
    if not isinstance(value, int | float) or isinstance(value, bool) or maximum <= 0:
        return ""
    share = max(0.0, min(1.0, float(value) / maximum))
    return f"background-color: rgba(13, 110, 253, {0.08 + 0.5 * share:.2f})"


@register.simple_tag
def svg_chart(chart: Any) -> str:
    """The chart as inline SVG (for the PDF)."""
    from cadence.insights.svg import svg_bars

    return svg_bars(chart)
