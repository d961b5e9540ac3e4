"""Container Insights on EKS and ECS."""

from observability_blueprint.containers.ecs_container_insights import EcsContainerInsights
from observability_blueprint.containers.eks_observability import EksObservability

__all__ = ["EcsContainerInsights", "EksObservability"]
