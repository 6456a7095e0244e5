"""Units of the call cache (confgen.draft.cache): paid answers kept on disk by request key."""

from __future__ import annotations

from confgen.draft.cache import Cache
from confgen.types import ChatRequest, Completion

REQUEST = ChatRequest(messages=[{"role": "user", "content": "Write the FAQ."}], max_tokens=50)


def test_an_answer_put_is_got_back_whole_by_its_key(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite")
    answer = Completion("## FAQ\n\nAnswers.", tokens_in=12, tokens_out=5, finish_reason="stop")
    assert cache.get("k") is None and not cache.has("k")
    cache.put("k", "openai", "m", REQUEST, answer, 0.5)
    assert cache.has("k") and cache.get("k") == answer
    cache.close()


def test_answers_outlive_the_process_that_paid_for_them(tmp_path):
    first = Cache(tmp_path / "cache.sqlite")
    first.put("k", "openai", "m", REQUEST, Completion("text"), 0.1)
    first.close()  # what a new run sees, as after the process ended
    again = Cache(tmp_path / "cache.sqlite")
    assert again.get("k") == Completion("text")
    again.close()


def test_the_same_request_to_another_model_is_another_key():
    assert REQUEST.key("openai", "a") != REQUEST.key("openai", "b")
    assert REQUEST.key("openai", "a") == ChatRequest(messages=list(REQUEST.messages), max_tokens=50).key("openai", "a")
