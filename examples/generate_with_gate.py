#!/usr/bin/env python3
"""A generator loop behind OptOutGate: check each prompt, generate (metered, with an idempotency key), label the image,
and verify the label. Uses diffusers when it is installed; otherwise a Pillow placeholder stands in for the model.

    OPTOUT_API_KEY=ogk_... python3 examples/generate_with_gate.py --url http://127.0.0.1:8080 --account 12 "a lighthouse at dusk"

The key needs the `generate` scope (a `check` scope too if you want the separate check step to count).
"""
import argparse
import io
import os
import sys

import optoutgate


def make_image(prompt: str) -> bytes:
    """The image for `prompt`: Stable Diffusion through diffusers if present, else a placeholder."""
    try:
        import torch  # noqa: F401
        from diffusers import AutoPipelineForText2Image
    except ImportError:
        from PIL import Image, ImageDraw
        picture = Image.new("RGB", (512, 512), (40, 60, 90))
        ImageDraw.Draw(picture).text((16, 16), prompt[:60], fill=(240, 240, 240))
        out = io.BytesIO()
        picture.save(out, format="PNG")
        return out.getvalue()
    pipeline = AutoPipelineForText2Image.from_pretrained(os.environ.get("OPTOUT_MODEL", "stabilityai/sd-turbo"))
    image = pipeline(prompt=prompt, num_inference_steps=1, guidance_scale=0.0).images[0]
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("OPTOUT_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--account", type=int, required=True, help="the platform account the generation is charged to")
    parser.add_argument("--out", default=".", help="where labelled images go")
    parser.add_argument("prompts", nargs="+")
    arguments = parser.parse_args()
    client = optoutgate.Client(arguments.url, api_key=os.environ["OPTOUT_API_KEY"])
    for prompt in arguments.prompts:
        try:
            generation = client.generate(arguments.account, prompt)
        except optoutgate.PromptBlocked as refused:
            print(f"refused: {prompt!r} ({refused.code})")
            continue
        except optoutgate.QuotaExhausted:
            print("this month's prompts are used; stopping")
            return 0
        image = make_image(prompt)
        labelled = client.label(generation.id, image)
        check = client.verify(labelled)
        assert check.labeled and check.generation_id == generation.id
        path = os.path.join(arguments.out, f"{generation.id}.png")
        with open(path, "wb") as out:
            out.write(labelled)
        credits = ", ".join(check.credits_required) or "nobody"
        print(f"{generation.id}: labelled and verified (C2PA {'valid' if check.c2pa_valid else 'absent'}), credits {credits} -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
