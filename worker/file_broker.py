"""kombu's file-system transport, safe for the demo's several processes: Celery's broker when
there is no Redis (`make demo`: CELERY_BROKER_URL=filesystem://, settings CELERY_BROKER_TRANSPORT).

kombu writes a message in place: a worker that lists the folder meanwhile reads an empty file
and stops on the JSON error (celery/kombu#1551). Here a message is written under a name the
readers skip and renamed into place once whole; a rename within one folder is atomic.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`, whole or not at all."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        writing = f"{final}.writing"  # not "<queue>.msg": readers pass it by
        try:
            with open(writing, "wb") as message:
                message.write(str_to_bytes(dumps(payload)))
            os.replace(writing, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
