"""Make a construct implement an aws-cdk-lib interface by forwarding to the L2 it wraps.

The blueprint's constructs wrap aws-cdk-lib's L2s (``ManagedLogGroup`` holds a
``logs.LogGroup``) rather than subclass them, because a subclass would move the
L2's resources one level up the construct tree and change every logical ID.
To drop into any CDK code that takes an ``ILogGroup``, ``IAlarm`` or ``ITopic``,
the wrapper still implements that interface: each of its members forwards to
the wrapped L2. jsii finds an interface's members on the class itself (not
through ``__getattr__``), so they are defined here, once, from the interface.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import jsii
from constructs import IConstruct

_Class = TypeVar("_Class", bound=type)


def interface_members(interface: type) -> dict[str, Any]:
    """Return the jsii members of ``interface`` and the interfaces it extends, by name."""
    found: dict[str, Any] = {}
    for klass in reversed(interface.__mro__):
        for name, member in vars(klass).items():
            getter = getattr(member, "fget", member)
            if not name.startswith("_") and hasattr(getter, "__jsii_name__"):
                found[name] = member
    return found


def _forwarding_property(name: str, to: str, doc: str | None) -> property:
    def get(self: Any) -> Any:
        return getattr(getattr(self, to), name)

    get.__name__ = name
    return property(get, doc=doc)


def _forwarding_method(name: str, to: str, doc: str | None) -> Callable[..., Any]:
    def forward(self: Any, *args: Any, **kwargs: Any) -> Any:
        if args and not kwargs and args[-1] is None:
            args = args[:-1]  # options jsii passed as "none given"
        elif args and not kwargs and hasattr(type(args[-1]), "__jsii_struct_bases__"):
            # A call from aws-cdk-lib (through jsii) passes options as a struct;
            # the Python method takes them as keyword arguments.
            *args, struct = args  # type: ignore[assignment]
            kwargs = dict(struct._values)
        return getattr(getattr(self, to), name)(*args, **kwargs)

    forward.__name__ = name
    forward.__doc__ = doc
    return forward


def implements_by_delegation(interface: type, *, to: str) -> Callable[[_Class], _Class]:
    """Class decorator: implement ``interface`` by forwarding to ``self.<to>``.

    Members the class defines itself are kept. Type checkers see the interface
    when the class also lists it as a base under ``TYPE_CHECKING``.
    """

    def decorate(cls: _Class) -> _Class:
        own = interface_members(IConstruct)  # node and with_: the wrapper's own
        for name, member in interface_members(interface).items():
            if name in own or name in cls.__dict__:
                continue
            doc = getattr(getattr(member, "fget", member), "__doc__", None)
            forwarded = (
                _forwarding_property(name, to, doc)
                if isinstance(member, property)
                else _forwarding_method(name, to, doc)
            )
            setattr(cls, name, forwarded)
        decorated: _Class = jsii.implements(interface)(cls)
        return decorated

    return decorate


# Type checkers see an interface's members on a wrapper through these bases: the
# concrete proxies aws-cdk-lib generates for each interface (private names, used for
# typing only). At run time the bases are ``object`` and the members come from
# :func:`implements_by_delegation`.
if TYPE_CHECKING:
    from aws_cdk.aws_cloudwatch import _IAlarmProxy as AlarmInterface
    from aws_cdk.aws_kms import _IKeyProxy as KeyInterface
    from aws_cdk.aws_logs import _ILogGroupProxy as LogGroupInterface
    from aws_cdk.aws_sns import _ITopicProxy as TopicInterface
else:
    AlarmInterface = KeyInterface = LogGroupInterface = TopicInterface = object

__all__ = [
    "AlarmInterface",
    "KeyInterface",
    "LogGroupInterface",
    "TopicInterface",
    "implements_by_delegation",
    "interface_members",
]
