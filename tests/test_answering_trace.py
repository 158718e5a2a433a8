"""The trace: why an answer was given, from --explain and from careerbot eval."""

from __future__ import annotations

from bot.cli import main
from bot.core.answering.evaluation import load_cases, run_part
from bot.core.answering.trace import Rows, Trace

STAGES = ("[prepare]", "[analyse]", "[retrieve]", "[decide]", "[compose]")


def test_explain_prints_the_stages_and_the_rule(capsys):
    assert main(["ask", "--explain", "how much do mles make"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(stage) for stage in STAGES]
    assert positions == sorted(positions)
    assert "rule         best-match" in out
    assert "mle-salary" in out and "confidence" in out


def test_explain_shows_corrections_and_the_context_a_follow_up_used(engine):
    engine.ask("what tools do ML engineers use", conversation="trace")
    response = engine.respond("and data scientists?", conversation="trace")
    engine.conversations.forget("trace")
    text = response.trace.render()
    assert "[context]" in text and "switched     ds-tools" in text


def test_trace_keeps_the_last_value_and_hides_empty_facts():
    trace = Trace()
    trace.add("decide", strength=0.25, rule=None)
    trace.add("decide", rule="answer", entries=Rows(["a  1", "b  2"]))
    assert trace.rule == "answer" and trace.get("decide", "strength") == 0.25
    text = trace.render()
    assert text.count("[decide]") == 1
    assert "strength     0.250" in text and "\n    a  1\n    b  2" in text
    assert "None" not in text


def test_eval_failures_show_the_rule_that_fired(engine, tmp_path):
    cases = tmp_path / "set.yaml"
    cases.write_text(
        "- q: how much does a dentist make\n  sections: [Salary Expectations and Market Demand]\n",
        encoding="utf-8",
    )
    result = run_part(engine, "t", load_cases(cases))
    (outcome,) = result.outcomes
    assert not outcome.ok and outcome.rule == "other-profession"
    assert result.to_json()["failures"][0]["rule"] == "other-profession"
