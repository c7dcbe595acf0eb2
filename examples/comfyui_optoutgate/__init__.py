"""A ComfyUI custom node built on the optoutgate client (documented in clients/python/README.md; not run in CI).

Copy this folder into ComfyUI/custom_nodes/, `pip install optoutgate` (or clients/python) into ComfyUI's Python, and
set OPTOUT_URL, OPTOUT_API_KEY (scope generate) and OPTOUT_ACCOUNT. "OptOutGate: check prompt" sits between the text
prompt and the sampler: a prompt naming an opted-out artist stops the run with the reason; "OptOutGate: label image"
embeds the AI-generated label (XMP and a signed C2PA manifest) before the image is saved.
"""
import io
import os

import optoutgate


def _client():
    return optoutgate.Client(os.environ["OPTOUT_URL"], api_key=os.environ["OPTOUT_API_KEY"])


class CheckPrompt:
    CATEGORY = "OptOutGate"
    RETURN_TYPES = ("STRING", "STRING")
    RETURN_NAMES = ("prompt", "generation_id")
    FUNCTION = "run"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"prompt": ("STRING", {"multiline": True})}}

    def run(self, prompt):
        try:
            generation = _client().generate(int(os.environ["OPTOUT_ACCOUNT"]), prompt)
        except optoutgate.PromptBlocked as refused:
            raise RuntimeError(f"OptOutGate refused the prompt: {refused.message}") from refused
        return (prompt, generation.id)


class LabelImage:
    CATEGORY = "OptOutGate"
    RETURN_TYPES = ("IMAGE",)
    FUNCTION = "run"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"images": ("IMAGE",), "generation_id": ("STRING", {"forceInput": True})}}

    def run(self, images, generation_id):
        import numpy
        import torch
        from PIL import Image
        labelled = []
        for image in images:
            picture = Image.fromarray(numpy.clip(image.cpu().numpy() * 255, 0, 255).astype(numpy.uint8))
            buffer = io.BytesIO()
            picture.save(buffer, format="PNG")
            data = _client().label(generation_id, buffer.getvalue())
            # ComfyUI's IMAGE is pixels: the labelled file is written to the output folder, the pixels pass through.
            with open(os.path.join(os.environ.get("OPTOUT_LABELLED_DIR", "output"), f"{generation_id}.png"), "wb") as out:
                out.write(data)
            labelled.append(torch.from_numpy(numpy.array(Image.open(io.BytesIO(data))).astype(numpy.float32) / 255.0))
        return (torch.stack(labelled),)


NODE_CLASS_MAPPINGS = {"OptOutGateCheckPrompt": CheckPrompt, "OptOutGateLabelImage": LabelImage}
NODE_DISPLAY_NAME_MAPPINGS = {"OptOutGateCheckPrompt": "OptOutGate: check prompt", "OptOutGateLabelImage": "OptOutGate: label image"}
