"""Drafting with a local causal language model through ``transformers``.

``--model`` names a folder on disk (a ``save_pretrained`` output: config, weights, tokenizer) or a
GGUF file, the form most local models are shared in: transformers reads it (through the ``gguf``
package), dequantizes its weights and uses the chat template embedded in it.
Nothing is ever fetched from a hub: only an existing folder is accepted, every load passes
``local_files_only=True`` and the hub libraries are put in offline mode before they are imported,
so a typo in a path fails at once with the path in the message instead of starting a download.

torch and transformers are imported inside the factory, so confgen runs without them and says
how to install them only when this provider is asked for. The folder's config and tokenizer are
checked in the factory (a bad folder is a usage error, exit 2); the weights load at the first
call, so a run answered wholly from the cache never loads the model.

Calls are serialized: torch already spreads one generate() over the CPU cores. On a machine busy
with other work, or for a very small model, OMP_NUM_THREADS=1 can be much faster than the default
(torch's idle worker threads spin); ``bench/transformers_drafting.py --threads`` measures it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Mapping

from confgen.api import ChatRequest, Completion, InputError, Job, ProviderError, hookimpl
from confgen.model import ProviderSettings

NAME = "transformers"
WEIGHTS = ("*.safetensors", "*.bin", "*.pt", "*.pth")
INSTALL_HINT = "pip install 'confgen[transformers]' (plus a torch build for this machine, e.g. pip install torch)"


def _offline_hub() -> None:
    # huggingface_hub reads these when it is first imported; set them before that happens.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def _import_libraries() -> tuple[Any, Any]:
    _offline_hub()
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise InputError(f"the transformers provider needs torch and transformers ({exc}); install them with: "
                         f"{INSTALL_HINT}") from None
    transformers.utils.logging.disable_progress_bar()
    return torch, transformers


def _model_folder(settings: ProviderSettings) -> Path:
    if not settings.model:
        raise InputError("the transformers provider needs a local model folder: --model /path/to/model "
                         "(or provider.model in conference.yaml)")
    folder = Path(settings.model).expanduser()
    if folder.suffix.lower() == ".gguf":
        if not folder.is_file():
            raise InputError(f"GGUF model file {folder} does not exist")
        return folder.resolve()
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise InputError(f"model folder {folder} {what}; the transformers provider loads only a local folder "
                         "saved with save_pretrained (nothing is downloaded)")
    return folder.resolve()


def _check_causal_lm(transformers: Any, folder: Path) -> Any:
    """The folder's config, when it describes a causal LM; otherwise an InputError naming the folder."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES as causal_types

    try:
        config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{folder} is not a transformers model folder: {_first_line(exc)}") from None
    causal = {name for value in causal_types.values() for name in ((value,) if isinstance(value, str) else value)}
    # `architectures` says what the weights were saved from: a BERT masked LM has a config type that
    # AutoModelForCausalLM accepts, but its weights have no causal LM head.
    architectures = getattr(config, "architectures", None) or []
    if architectures:
        ok = any(a in causal for a in architectures)
    else:
        ok = config.model_type in causal_types
    if not ok:
        saved = ", ".join(architectures) or config.model_type
        raise InputError(f"{folder} holds a {saved} model, not a causal language model; the transformers provider "
                         "needs one that AutoModelForCausalLM loads (GPT-2, Llama, Qwen, ...)")
    return config


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _context_length(config: Any) -> int | None:
    for attr in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def plain_prompt(messages: list[dict[str, str]]) -> str:
    """The prompt for a tokenizer with no chat template: labelled turns, then the assistant's label."""
    turns = [f"{m['role'].capitalize()}:\n{m['content']}" for m in messages]
    return "\n\n".join(turns + ["Assistant:\n"])


# -- GGUF files ------------------------------------------------------------------------------------

def gguf_architecture(path: Path) -> tuple[str, int | None]:
    """The architecture and context length a GGUF file declares, read from its header (memory
    mapped: nothing is dequantized). A file that is not GGUF, or truncated, is a usage error."""
    try:
        import gguf
    except ImportError:
        raise InputError(f"reading {path} needs the gguf package; install it with: pip install gguf accelerate") from None
    try:
        reader = gguf.GGUFReader(str(path))
        field = reader.fields["general.architecture"]
        architecture = bytes(field.parts[field.data[0]]).decode()
    except KeyError:
        raise InputError(f"{path} is a GGUF file without general.architecture; it is not a model transformers can load") from None
    except Exception as exc:  # the reader raises ValueError, struct errors, IndexError... on a torn file
        raise InputError(f"{path} is not a readable GGUF file (truncated or corrupt?): {_first_line(exc)}") from None
    length = reader.fields.get(f"{architecture}.context_length")
    context = int(length.parts[length.data[0]][0]) if length is not None else None
    return architecture, context


def _check_gguf_causal_lm(path: Path) -> int | None:
    """The context length of a GGUF file holding a causal LM that transformers can load."""
    from transformers.integrations.ggml import GGUF_CONFIG_MAPPING
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES as causal_types

    architecture, context = gguf_architecture(path)
    # transformers names some GGUF architectures differently (e.g. "qwen2moe" is "qwen2_moe").
    name = architecture.replace("qwen2moe", "qwen2_moe").replace("qwen3moe", "qwen3_moe").replace("command-r", "cohere")
    if name not in GGUF_CONFIG_MAPPING or name in ("general", "tokenizer"):
        raise InputError(f"{path} holds a {architecture!r} model, which transformers cannot load from GGUF")
    if name not in causal_types and name not in ("deci",):
        raise InputError(f"{path} holds a {architecture!r} model, not a causal language model; the transformers "
                         "provider needs one that AutoModelForCausalLM loads (Llama, Qwen, Mistral, ...)")
    return context


class _Header:
    """What the provider needs of a config before the weights load: the context length."""

    def __init__(self, context: int | None):
        self.max_position_embeddings = context


class TransformersProvider:
    name = NAME

    def __init__(self, folder: Path, torch: Any, transformers: Any, config: Any, tokenizer: Any):
        self.folder = folder
        self.model = str(folder)
        # A GGUF file: transformers loads it from its folder, naming the file.
        self._source = folder.parent if folder.is_file() else folder
        self._gguf = {"gguf_file": folder.name} if folder.is_file() else {}
        self._torch = torch
        self._transformers = transformers
        self._config = config
        self._tokenizer = tokenizer
        self._lm: Any = None
        self._load_error: str | None = None
        self._device = "cuda" if torch.cuda.is_available() else "cpu"
        # One generate() at a time: torch already spreads a call over the cores, and the seed is
        # process-wide state that two interleaved calls would disturb.
        self._lock = threading.Lock()
        self.generations = 0

    @property
    def chat_template(self) -> bool:
        return bool(getattr(self._tokenizer, "chat_template", None))

    def _load(self) -> Any:
        if self._lm is None and self._load_error is None:
            major = int(self._transformers.__version__.split(".")[0])
            dtype_arg = "dtype" if major >= 5 else "torch_dtype"
            # float32 on CPU (half precision is slow or missing there); the folder's own dtype on GPU.
            dtype = "auto" if self._device == "cuda" else self._torch.float32
            try:
                lm = self._transformers.AutoModelForCausalLM.from_pretrained(
                    self._source, local_files_only=True, **self._gguf, **{dtype_arg: dtype})
            except Exception as exc:  # corrupt or missing weights: the same answer for every job
                self._load_error = f"cannot load the model in {self.folder}: {type(exc).__name__}: {_first_line(exc)}"
            else:
                self._lm = lm.to(self._device).eval()
        if self._load_error:
            raise ProviderError(self._load_error)
        return self._lm

    def _encode(self, messages: list[dict[str, str]]) -> Any:
        tokenizer = self._tokenizer
        if self.chat_template:
            text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
            # The template writes its own BOS and turn markers.
            return tokenizer(text, add_special_tokens=False, return_tensors="pt")
        return tokenizer(plain_prompt(messages), return_tensors="pt")

    def _eos_ids(self, lm: Any) -> set[int]:
        ids = lm.generation_config.eos_token_id
        if ids is None:
            ids = self._tokenizer.eos_token_id
        if ids is None:
            return set()
        return set(ids) if isinstance(ids, (list, tuple)) else {ids}

    def complete(self, request: ChatRequest, job: Job) -> Completion:
        torch = self._torch
        with self._lock:
            lm = self._load()
            inputs = self._encode(request.messages)
            prompt_len = int(inputs["input_ids"].shape[1])
            limit = _context_length(self._config)
            max_new = request.max_tokens
            if limit is not None:
                if prompt_len >= limit:
                    raise ProviderError(f"the prompt of {job.id} is {prompt_len} tokens, more than the "
                                        f"{limit}-token context of the model in {self.folder}")
                max_new = min(max_new, limit - prompt_len)
            pad = self._tokenizer.pad_token_id
            if pad is None:
                pad = self._tokenizer.eos_token_id
            sample = request.temperature > 0
            options: dict[str, Any] = {"max_new_tokens": max_new, "do_sample": sample, "pad_token_id": pad}
            if sample:
                options["temperature"] = request.temperature
            if request.seed is not None:
                torch.manual_seed(request.seed)
            inputs = {k: v.to(self._device) for k, v in inputs.items()}
            try:
                with torch.inference_mode():
                    output = lm.generate(**inputs, **options)
            except (RuntimeError, ValueError) as exc:
                raise ProviderError(f"generation failed with the model in {self.folder}: {_first_line(exc)}") from None
            self.generations += 1
        new = output[0, prompt_len:].tolist()
        eos = self._eos_ids(lm)
        stopped = bool(eos) and any(t in eos for t in new)
        if stopped:
            new = new[: next(i for i, t in enumerate(new) if t in eos) + 1]
        finish = "stop" if stopped or len(new) < max_new else "length"
        text = self._tokenizer.decode(new, skip_special_tokens=True).strip()
        return Completion(text=text, tokens_in=prompt_len, tokens_out=len(new), finish_reason=finish)


def make_provider(settings: ProviderSettings, env: Mapping[str, str]) -> TransformersProvider:
    folder = _model_folder(settings)
    torch, transformers = _import_libraries()
    if folder.is_file():
        return _gguf_provider(folder, torch, transformers)
    config = _check_causal_lm(transformers, folder)
    if not any(next(folder.glob(pattern), None) for pattern in WEIGHTS):
        raise InputError(f"{folder} has no model weights ({', '.join(WEIGHTS)})")
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{folder} has no usable tokenizer: {_first_line(exc)}") from None
    # With no tokenizer files, recent transformers builds an empty tokenizer instead of failing.
    if not tokenizer("confgen 大会")["input_ids"]:
        raise InputError(f"{folder} has no usable tokenizer: it encodes text to nothing (tokenizer files missing?)")
    return TransformersProvider(folder, torch, transformers, config, tokenizer)


def _gguf_provider(path: Path, torch: Any, transformers: Any) -> TransformersProvider:
    context = _check_gguf_causal_lm(path)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name, local_files_only=True)
    except Exception as exc:  # the GGUF tokenizer converter raises many kinds of errors
        raise InputError(f"{path} has no tokenizer transformers can read: {_first_line(exc)}") from None
    if not tokenizer("confgen 大会")["input_ids"]:
        raise InputError(f"{path} has no usable tokenizer: it encodes text to nothing")
    return TransformersProvider(path, torch, transformers, _Header(context), tokenizer)


@hookimpl
def confgen_providers():
    return {NAME: make_provider}
