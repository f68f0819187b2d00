"""Back-testing models on decisions with known outcomes."""

from negotia.evaluate.backtest import Evaluation, ModelScore, Scores, evaluate, predict, score

__all__ = ["Evaluation", "ModelScore", "Scores", "evaluate", "predict", "score"]
