"""The monitoring shipped in deploy/ parses, and names only metrics the bot exports."""

import json
import re

import yaml

from bot.runtime.metrics import REGISTRY
from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
_METRIC = re.compile(r"\bbot_[a-z0-9_]+")


def exported() -> set[str]:
    """Every sample name the registry can produce (counters' _total, histograms' _bucket/_count/_sum...)."""
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(f"{family.name}{suffix}" for suffix in ("_total", "_bucket", "_count", "_sum", "_created"))
    return names


def test_alert_rules_parse_and_name_exported_metrics() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus-alerts.yml").read_text(encoding="utf-8"))
    [group] = rules["groups"]
    assert group["rules"]
    for rule in group["rules"]:
        assert {"alert", "expr", "for", "labels", "annotations"} <= rule.keys(), rule
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"]
        for name in _METRIC.findall(rule["expr"]):
            assert name in exported(), f"{rule['alert']}: {name} is not a metric the bot exports"


def test_dashboard_parses_and_names_exported_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["panels"]
    named: set[str] = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            named.update(_METRIC.findall(target["expr"]))
    assert named <= exported(), named - exported()
    # Every metric the bot exports has a panel: a new metric comes with its place on the dashboard.
    families = {family.name for family in REGISTRY.collect()}
    assert families <= {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in named} | {
        name.removesuffix("_total") for name in named
    }
