"""Shared fixtures: small conference projects written to a temporary folder."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE_SITE = REPO / "site"
INTEROP = Path(__file__).parent / "data" / "interop"
# Mermaid's parser for the code gate, installed by scripts/install-test-deps.
os.environ.setdefault("CONFGEN_NODE_MODULES", str(Path(__file__).parent / "artifacts" / "node" / "node_modules"))

MINI_CONFERENCE = textwrap.dedent(
    """\
    # A small two-day event used across the tests.
    event:
      name: {zh: 测试开发者大会, en: Test DevCon}
      tagline: {zh: 一场小型测试大会, en: A small test conference}
      start_date: 2026-06-12
      end_date: 2026-06-13
      timezone: Asia/Shanghai
      city: {zh: 上海, en: Shanghai}
      venue:
        name: {zh: 测试会议中心, en: Test Convention Center}
        address: {zh: 上海市浦东新区测试路 1 号, en: "1 Test Road, Pudong, Shanghai"}
      url: https://testdevcon.example.org
      contact_email: hi@testdevcon.example.org
    tracks:
      - id: foundations
        name: {zh: 大模型基础, en: LLM Foundations}
        description: {zh: 模型原理与训练。, en: How models work and are trained.}
      - id: devtech
        name: {zh: 开发技术, en: Development Techniques}
    rooms:
      - id: hall
        name: {zh: 主会场, en: Main Hall}
        capacity: 500
        main: true
      - id: room-a
        name: {zh: A 厅, en: Room A}
        capacity: 120
      - id: lab
        name: {zh: 实验室, en: Lab}
        capacity: 40
        workshop: true
    speakers:
      - id: li-na
        name: {zh: 李娜, en: Li Na}
        affiliation: {zh: 星河智能, en: Galaxy AI}
        bio: {zh: 李娜专注于检索增强生成。, en: Li Na works on retrieval-augmented generation.}
      - id: wang-lei
        name: {zh: 王磊, en: Wang Lei}
        affiliation: {zh: 青松实验室, en: Pine Labs}
        bio: {zh: 王磊研究模型推理优化。, en: Wang Lei optimizes model inference.}
    sessions:
      - id: k1
        title: {zh: 大模型应用的下一步, en: What comes next for LLM applications}
        abstract: {zh: 回顾一年来的大模型应用实践。, en: A look back at a year of LLM applications.}
        type: keynote
        track: foundations
        level: beginner
        speakers: [li-na]
        room: hall
        start: 2026-06-12 09:00
        end: 2026-06-12 09:45
      - id: t1
        title: {zh: 用 vLLM 部署推理服务, en: Serving models with vLLM}
        abstract: {zh: 讲解 PagedAttention 与批处理。, en: PagedAttention and batching explained.}
        type: talk
        track: devtech
        level: advanced
        language: en
        speakers: [wang-lei]
        room: room-a
        start: 2026-06-12 10:00
        end: 2026-06-12 10:40
      - id: w1
        title: {zh: RAG 动手实践, en: Hands-on RAG}
        abstract: {zh: 从零搭建一个检索增强问答系统。, en: Build a retrieval-augmented QA system from scratch.}
        type: workshop
        track: devtech
        speakers: [li-na, wang-lei]
        room: lab
        start: 2026-06-13 13:30
        end: 2026-06-13 15:00
    breaks:
      - start: 2026-06-12 12:00
        end: 2026-06-12 13:30
        title: {zh: 午餐, en: Lunch}
    tickets:
      - id: standard
        name: {zh: 标准票, en: Standard}
        price: 999
        sale_end: 2026-06-10
    sponsors:
      - name: Cloud Nine
        tier: gold
        url: https://cloudnine.example.org
    faq:
      - q: {zh: 可以退票吗？, en: "Can I get a refund?"}
        a: {zh: 开幕前 7 天可全额退款。, en: Full refunds until 7 days before the event.}
    """
)


def write_project(root: Path, conference: str = MINI_CONFERENCE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conference.yaml").write_text(conference, encoding="utf-8")
    return root


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A small valid project (3 sessions, 2 speakers, 2 days) with no drafts yet."""
    return write_project(tmp_path / "mini")


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    """A copy of the reference site (conference.yaml and committed drafts) that a test may change."""
    target = tmp_path / "site"
    shutil.copytree(REFERENCE_SITE, target, ignore=shutil.ignore_patterns("build", ".confgen"))
    return target
