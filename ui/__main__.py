"""python -m ui [--host 127.0.0.1] [--port 7860] — serve the assistant (loopback by default)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys

from rag.config import load_settings


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m ui", description="Giao diện trợ lý văn bản chỉ đạo.")
    parser.add_argument("--host", default=settings.ui_host)
    parser.add_argument("--port", type=int, default=settings.ui_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ui.app import build, launch_options

    options = launch_options(settings)
    if not _is_loopback(args.host) and options["auth"] is None:
        print(f"⚠ Đang mở cho mạng ({args.host}) mà không có mật khẩu: đặt RAG_UI_AUTH_USER và "
              "RAG_UI_AUTH_PASSWORD cho văn phòng dùng chung.", file=sys.stderr)
    blocks = build(settings)
    blocks.queue(max_size=settings.ui_queue_size, default_concurrency_limit=settings.ui_concurrency)
    print(f"Trợ lý văn bản chỉ đạo: http://{args.host}:{args.port}", flush=True)
    blocks.launch(
        server_name=args.host, server_port=args.port, share=False, show_error=False,
        max_file_size=f"{int(settings.ui_max_upload_mb)}mb", enable_monitoring=False, ssr_mode=False,
        pwa=False, mcp_server=False, footer_links=[], quiet=True, **options,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
