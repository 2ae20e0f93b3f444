# Trains the example credit-risk model (examples/risk/model.json) on synthetic data.
# Needs XGBoost (Debian: apt-get install python3-xgboost). Run: python3 train.py
import numpy as np
import xgboost as xgb

rng = np.random.default_rng(7)
n = 5000
age = rng.integers(18, 80, n).astype(float)
income = rng.lognormal(10.5, 0.5, n)
debt_ratio = rng.uniform(0, 1.5, n)
late_payments = rng.poisson(0.6, n).astype(float)
logit = -2.0 + 1.8 * debt_ratio + 0.7 * late_payments - 0.02 * (age - 40) - 0.4 * (np.log(income) - 10.5)
default = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))).astype(float)
# A few missing incomes: the model learns where to send them.
income[rng.uniform(0, 1, n) < 0.05] = np.nan

X = np.column_stack([age, income, debt_ratio, late_payments])
features = ["age", "income", "debt_ratio", "late_payments"]
dtrain = xgb.DMatrix(X, label=default, feature_names=features)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 7}, dtrain, num_boost_round=20)
booster.save_model("model.json")
probe = xgb.DMatrix(np.array([[31, 42000, 0.35, 0], [58, np.nan, 1.2, 3]]), feature_names=features)
print("saved model.json; probabilities of two probe rows:", booster.predict(probe))
