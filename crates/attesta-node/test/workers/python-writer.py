"""One Python process appending decisions to the shared audit log (concurrent.test.mjs)."""
import sys
import threading

from attesta import ActionContext, Attesta

config, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
attesta = Attesta(config)
names = ["read_file", "list_files", "delete_user", "get_weather", "drop_table"]


def work(offset):
    for i in range(offset, count, 2):
        attesta.evaluate_sync(ActionContext(names[i % len(names)], args=(f"{tag}-{i}",), agent_id=f"agent-{tag}"))


threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
