import streamlit as st

from ui import page

page.setup("Evaluation", "🎯")
st.title("Evaluation")
page.coming_soon(
    "test accuracy, the confusion matrix, the most confident mistakes, calibration and a map of the test set."
)
