from __future__ import annotations

from django.core.management.base import BaseCommand

from congso.core.architecture import dependency_graph, mermaid, violations


class Command(BaseCommand):
    help = "Vẽ đồ thị phụ thuộc giữa các app (Mermaid) từ chính mã nguồn."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        graph = dependency_graph()
        self.stdout.write(mermaid(graph))
        for problem in violations(graph):
            self.stderr.write("VI PHẠM: %s" % problem)
