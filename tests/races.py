"""Real threads racing: each test that proves a lock starts its workers at one barrier."""

import threading

from django.db import connection


def race(workers: int, work) -> tuple[list, list]:
    """Start `workers` threads at one barrier; collect what each returned or raised."""
    barrier, results, errors, lock = threading.Barrier(workers), [], [], threading.Lock()

    def run(index):
        try:
            barrier.wait()
            outcome = work(index)
            with lock:
                results.append(outcome)
        except Exception as error:  # each thread's error is part of what we check
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
