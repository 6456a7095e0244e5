"""A deterministic synthetic conference of any size, for benchmarks and large-scale tests."""

from __future__ import annotations

import datetime as dt

import yaml

TRACKS = ["foundations", "applications", "devtech", "deployment", "cases"]
TYPES = ["talk"] * 6 + ["case", "panel", "workshop"]


def conference(sessions: int = 1000, rooms: int = 40, speakers: int = 600, days: int = 3) -> dict:
    """A valid conference: every session placed in a free room slot, no speaker double-booked."""
    start_day = dt.date(2026, 9, 14)
    slots_per_day = max(1, -(-sessions // (rooms * days)))
    room_list = [{"id": f"r{i:02d}", "name": {"zh": f"{i} 号厅", "en": f"Hall {i}"}, "capacity": 100 + 20 * i,
                  "workshop": i % 10 == 9, "main": i == 0} for i in range(rooms)]
    speaker_list = [{"id": f"p{i:04d}", "name": {"zh": f"讲者{i}", "en": f"Speaker {i}"},
                     "affiliation": {"zh": f"实验室{i % 50}", "en": f"Lab {i % 50}"},
                     "bio": {"zh": f"讲者{i}长期从事大模型应用开发，关注检索增强生成与推理优化。",
                             "en": f"Speaker {i} builds LLM applications, focusing on retrieval and inference."}}
                    for i in range(speakers)]
    session_list = []
    index = 0
    for day in range(days):
        for slot in range(slots_per_day):
            for room in range(rooms):
                if index >= sessions:
                    break
                start = dt.datetime.combine(start_day + dt.timedelta(days=day), dt.time(9)) + dt.timedelta(minutes=50 * slot)
                # Consecutive indices share a slot and map to distinct speakers, so nobody is double-booked.
                speaker = (index * 7) % speakers
                track = TRACKS[index % len(TRACKS)]
                session_list.append({
                    "id": f"s{index:04d}",
                    "title": {"zh": f"大模型应用实践第 {index} 讲", "en": f"LLM applications in practice, part {index}"},
                    "abstract": {"zh": f"第 {index} 讲介绍检索增强生成、智能体与推理服务在真实项目中的做法与取舍。",
                                 "en": f"Part {index} covers retrieval, agents and inference serving in real projects."},
                    "type": "talk", "track": track, "level": ["beginner", "intermediate", "advanced"][index % 3],
                    "speakers": [f"p{speaker:04d}"], "room": f"r{room:02d}",
                    "start": start.strftime("%Y-%m-%d %H:%M"),
                    "end": (start + dt.timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M"),
                })
                index += 1
    used = {p for s in session_list for p in s["speakers"]}
    return {
        "event": {"name": {"zh": "合成大会", "en": "Synthetic Conference"}, "start_date": start_day.isoformat(),
                  "end_date": (start_day + dt.timedelta(days=days - 1)).isoformat(), "timezone": "Asia/Shanghai",
                  "city": {"zh": "上海", "en": "Shanghai"},
                  "venue": {"name": {"zh": "合成会议中心", "en": "Synthetic Center"}, "address": {"zh": "上海", "en": "Shanghai"}}},
        "tracks": [{"id": t, "name": {"zh": t, "en": t}} for t in TRACKS],
        "rooms": room_list,
        "speakers": [s for s in speaker_list if s["id"] in used],
        "sessions": session_list,
    }


def write(path, **kwargs) -> None:
    path.write_text(yaml.safe_dump(conference(**kwargs), allow_unicode=True, sort_keys=False), encoding="utf-8")
