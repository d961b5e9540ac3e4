"""SNS topics that alarms, events and the trail notify."""

from observability_blueprint.notifications.notification_topic import (
    NotificationTopic,
    TopicSubscriber,
)

__all__ = ["NotificationTopic", "TopicSubscriber"]
