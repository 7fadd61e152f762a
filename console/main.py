"""NiceGUI entry point (`main_file` for the `user` test fixture); `python3 run.py` serves through console.cli."""

from nicegui import ui

from console.web import create_app, run_options

create_app()

if __name__ in {"__main__", "__mp_main__"}:
    ui.run(**run_options())
