"""The demo's broker without Redis: kombu's file-system transport, whose messages a worker must
never find half-written (kombu's own writes in place: celery/kombu#1551 stopped the demo's
worker on an empty message)."""

import kombu
import pytest
from kombu.transport import filesystem

from worker import file_broker

QUEUE = "celery"


def channel_of(transport: str, folder):
    for name in ("messages", "control", "processed"):
        (folder / name).mkdir()
    connection = kombu.Connection(
        "filesystem://",
        transport=transport,
        transport_options={
            "data_folder_in": str(folder / "messages"),
            "data_folder_out": str(folder / "messages"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
        },
    )
    return connection, connection.default_channel


@pytest.mark.parametrize(
    ("transport", "module", "whole"),
    [
        ("worker.file_broker:Transport", file_broker, True),
        # kombu's own, for the record: this is the hole the class above closes.
        ("kombu.transport.filesystem:Transport", filesystem, False),
    ],
)
def test_a_reader_finds_a_message_whole_or_not_at_all(
    tmp_path, monkeypatch, transport, module, whole
):
    connection, channel = channel_of(transport, tmp_path)
    seen_while_writing = []
    encode = module.dumps

    def encode_while_a_reader_looks(payload):
        seen_while_writing.append(channel._size(QUEUE))  # a worker listing the folder now
        return encode(payload)

    monkeypatch.setattr(module, "dumps", encode_while_a_reader_looks)
    channel._put(QUEUE, {"body": "export 7"})
    assert seen_while_writing == ([0] if whole else [1])
    assert channel._get(QUEUE) == {"body": "export 7"}
    assert channel._size(QUEUE) == 0
    connection.release()
