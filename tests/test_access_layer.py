"""Outside the access layer (src/competenze/access/), no code decides by hand who sees a
participant, a consent's recipient or a referral (CONTRIBUTING.md, "Visibility").

The rule, read from the source of every module:
- no query names the columns that visibility rests on: a participant's organisation, a
  consent's recipient, a referral's two organisations (`Participant.organisation_id`,
  `col(Referral.to_organisation_id)`, `Participant.__table__.c.organisation_id` and names bound
  to such a table's columns);
- no comparison reads them off a loaded row (`participant.organisation_id == ...`,
  `referral.to_organisation_id != ...`).
Each finding names the function of access/visibility.py to call instead. A line that compares
one of them for another reason says why with `# access: <reason>`.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "competenze"
ACCESS = SRC / "access"

# (model, column) -> what to call instead
GUARDED = {
    ("Participant", "organisation_id"): "visible_filter, get_visible_participant, of_organisation or owns",
    ("Consent", "recipient_organisation_id"): "has_active_consent or dossier_filter",
    ("Referral", "to_organisation_id"): "visible_referral, referrals_filter, receives or resting_on_consent",
    ("Referral", "from_organisation_id"): "visible_referral, referrals_filter or sends",
}
# Names a loaded row of each model goes by in this code base.
ROW_NAMES = {
    "Participant": {"participant", "person", "p", "owner"},
    "Consent": {"consent", "c"},
    "Referral": {"referral", "r"},
}
WAIVER = "# access:"


def _table_aliases(tree: ast.AST) -> dict[str, str]:
    """Names bound to a model's table columns: `p = Participant.__table__.c`, also in tuples."""
    aliases = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        targets = node.targets[0].elts if isinstance(node.targets[0], ast.Tuple) else [node.targets[0]]
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for target, value in zip(targets, values, strict=False):
            text = ast.unparse(value)
            for model in ROW_NAMES:
                if isinstance(target, ast.Name) and text in (f"{model}.__table__.c", f"{model}.__table__"):
                    aliases[target.id] = model
    return aliases


def _column_model(node: ast.Attribute, aliases: dict[str, str]) -> str | None:
    """The model whose guarded column this attribute names as a column, if it does."""
    base = node.value
    if isinstance(base, ast.Name) and base.id in ROW_NAMES:
        return base.id
    if isinstance(base, ast.Name) and base.id in aliases:
        return aliases[base.id]
    text = ast.unparse(base)
    for model in ROW_NAMES:
        if text in (f"{model}.__table__.c", f"{model}.__table__.columns"):
            return model
    return None


def findings(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    lines = source.splitlines()
    aliases = _table_aliases(tree)
    found = []

    def report(node: ast.AST, model: str, column: str, how: str) -> None:
        if WAIVER in lines[node.lineno - 1]:
            return
        found.append(
            f"{name}:{node.lineno} {how} {model}.{column} by hand; "
            f"call competenze.access.visibility ({GUARDED[model, column]}) instead"
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            model = _column_model(node, aliases)
            if model and (model, node.attr) in GUARDED:
                report(node, model, node.attr, "queries")
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if not isinstance(side, ast.Attribute) or _column_model(side, aliases):
                    continue
                owner = side.value.attr if isinstance(side.value, ast.Attribute) else getattr(side.value, "id", "")
                for model, names in ROW_NAMES.items():
                    if owner in names and (model, side.attr) in GUARDED:
                        report(side, model, side.attr, "compares")
    return sorted(found, key=lambda f: int(f.split(" ")[0].rsplit(":", 1)[1]))


def test_no_hand_written_visibility_outside_the_access_layer():
    checked, found = 0, []
    for path in sorted(SRC.rglob("*.py")):
        if path.is_relative_to(ACCESS) or path.name == "models.py":
            continue
        checked += 1
        found += findings(path.read_text(), str(path.relative_to(SRC)))
    assert checked > 80  # the whole of src/ was read
    assert not found, "\n".join(found)


def test_the_access_layer_itself_is_what_the_check_would_catch():
    # The chokepoint does exactly what the check forbids elsewhere: proof that the check reads it.
    found = findings((ACCESS / "visibility.py").read_text(), "access/visibility.py")
    assert any("Participant.organisation_id" in f for f in found)
    assert any("Consent.recipient_organisation_id" in f for f in found)
    assert any("Referral.to_organisation_id" in f for f in found)


def test_hand_written_filters_are_named_with_the_function_to_call():
    source = "\n".join(
        [
            "def mine(session, principal):",
            "    return select(Participant).where(col(Participant.organisation_id) == principal.organisation_id)",
            "def shared(principal):",
            "    d, p = Dossier.__table__.c, Participant.__table__.c",
            "    return p.organisation_id == principal.organisation_id",
            "def incoming(principal, referral):",
            "    return referral.to_organisation_id == principal.organisation_id",
            "def consented(consent, org):",
            "    return consent.recipient_organisation_id == org.id",
            "def waived(participant, user):",
            "    return participant.organisation_id == user.organisation_id  # access: seeding, not a read",
        ]
    )
    found = findings(source, "example.py")
    assert [f.split(" ")[0] for f in found] == ["example.py:2", "example.py:5", "example.py:7", "example.py:9"]
    assert "get_visible_participant" in found[0]
    assert "receives" in found[2]
    assert "has_active_consent" in found[3]
