"""The only code that reads a whole blueprint file: what to build, where, and wiring.

Areas (logs/, alarms/, ...) take typed arguments; this package turns the
validated config into those arguments, one unit per service, trail, fleet,
VPC and cluster, and places the units in stacks.
"""
