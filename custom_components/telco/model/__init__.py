"""What every operator shares: the model the operators declare themselves in.

Nothing here imports an operator (``operators/``), a platform or one of Home
Assistant's entry points (``__init__``, ``config_flow``, ``services`` …): those import
the model. Inside it, each module imports only those listed before it:

- ``views``: what each item of a coordinator shows, so that a poll writes only the
  entities of the items it changed, each item's entities listening as one;
- ``coordinator``: polling at the operator's intervals, error translation, the write path,
  call records told once (``CallRecordsCoordinator``) and their stored cursor;
- ``descriptions``: what entities belong to (``Subject``) and every platform's
  description class;
- ``items``: which items an account has, and the removal of long-gone devices;
- ``declaration``: the shape of an operator (``Operator``) and its runtime data;
- ``entity``: the base entity and the account's devices;
- ``action_input``, ``actions`` and ``issues``: the service-action catalog, the checks
  of what a user gives it, and the account's repair issues.

``scripts/check-imports`` holds the tree to this.
"""
