"""`trainer devices`: the sound devices a drill can use, with the defaults marked.

With no devices at all it exits 1: a live drill cannot run, and a script checking
`trainer devices` before a drill should see that, with the fix in the message.
"""

from __future__ import annotations

import json

from trainer.core.errors import TrainerError
from trainer.speech.audio import DeviceInfo, list_devices, sound_server

NO_DEVICES = (
    "no audio devices found: connect a microphone and speakers (or a headset), or start the "
    "sound server (PulseAudio/PipeWire); drills can also run from WAV files without devices"
)


def register(subparsers) -> None:
    """Add `devices` to the `trainer` parser."""
    parser = subparsers.add_parser(
        "devices",
        help="list audio input and output devices",
        description="List the audio devices PortAudio sees (index, name, channels, default rate, defaults) "
        "and the PulseAudio/PipeWire sink and source behind them. Exits 1 when there are none.",
    )
    parser.add_argument("--json", action="store_true", help='print {"devices": [...], "sound_server": {...}} as JSON')
    parser.set_defaults(func=run_devices)


def run_devices(args) -> int:
    """Print the device table (or JSON); no devices at all is an error a user must fix."""
    devices = list_devices()
    if not devices:
        raise TrainerError(NO_DEVICES)
    server = sound_server()
    if args.json:
        print(json.dumps({"devices": [device.to_json() for device in devices], "sound_server": server}, indent=2))
        return 0
    print(format_table(devices))
    if server:
        print(f"sound server: {server['name']} {server['version']}, default sink {server['default_sink']}, "
              f"default source {server['default_source']}")
    for kind in ("input", "output"):
        if not any(device.channels(kind) for device in devices):
            print(f"note: no {kind} device; a live drill needs one")
    return 0


def format_table(devices: list[DeviceInfo]) -> str:
    """Devices as an aligned text table."""
    rows = [("#", "name", "host API", "in", "out", "rate", "default")]
    for device in devices:
        defaults = [kind for kind, flag in (("input", device.default_input), ("output", device.default_output)) if flag]
        rows.append((
            str(device.index), device.name, device.host_api, str(device.input_channels),
            str(device.output_channels), f"{device.default_rate:.0f}", ", ".join(defaults),
        ))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    right = {0, 3, 4, 5}
    return "\n".join(
        "  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                  for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    )
