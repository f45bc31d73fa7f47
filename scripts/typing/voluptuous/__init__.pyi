# From Home Assistant 2026.10 on, `import voluptuous` gives probatio at run time
# (homeassistant/__init__.py installs probatio's voluptuous shim), and Home Assistant's
# signatures take probatio's schemas. scripts/test puts this stub on mypy's path on the
# legs whose Home Assistant ships probatio, so that mypy sees what runs.
from probatio import *  # noqa: F403
