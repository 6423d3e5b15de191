#!/usr/bin/env bash
# Install medkg with every extra into the current Python environment.
# torch goes first so that pip does not pull an unexpected build while resolving the `ml` extra;
# torchxrayvision is installed without dependencies only for its copy of the Open-i report archive
# (its own torchvision requirement could swap the torch build).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --upgrade pip
python -m pip install "torch>=2.2"
python -m pip install -e ".[all]"
python -m pip install --no-deps torchxrayvision
