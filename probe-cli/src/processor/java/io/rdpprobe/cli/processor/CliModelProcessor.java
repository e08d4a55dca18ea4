package io.rdpprobe.cli.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Start-up (issue 13): writes, for every picocli {@code @Command} class without {@code subcommands} and every class
 * used as a {@code @Mixin}, a class {@code <Name>_Model} that builds the same {@code CommandSpec} picocli would
 * build by reflection, through picocli's programmatic API ({@code OptionSpec.builder(..)}, a switch-based getter and
 * setter per field): no annotation is read, no dynamic proxy or generic signature is made at run time.
 *
 * <p>Only the attributes this project uses are translated; any other attribute is a compile error here, so the
 * generated model cannot silently differ from the annotated one. {@code CliModelTest} compares the two.
 * Runs in javac ({@code probe-cli/pom.xml}: compiled by a first compiler execution, used by the second); it needs
 * no picocli classes itself, only the annotations' names.
 */
@SupportedAnnotationTypes({"picocli.CommandLine.Command", "picocli.CommandLine.Option",
        "picocli.CommandLine.Parameters", "picocli.CommandLine.Mixin"})
public final class CliModelProcessor extends AbstractProcessor {
    private static final String COMMAND = "picocli.CommandLine.Command";
    private static final String OPTION = "picocli.CommandLine.Option";
    private static final String PARAMETERS = "picocli.CommandLine.Parameters";
    private static final String MIXIN = "picocli.CommandLine.Mixin";
    private static final String SPEC = "picocli.CommandLine.Spec";

    private static final Set<String> COMMAND_ATTRS = Set.of("name", "mixinStandardHelpOptions", "versionProvider",
            "description", "footer", "sortOptions");
    private static final Set<String> OPTION_ATTRS = Set.of("names", "paramLabel", "description", "defaultValue",
            "arity", "converter", "hidden");
    private static final Set<String> PARAMETERS_ATTRS = Set.of("index", "paramLabel", "description", "defaultValue",
            "arity", "converter", "hidden");

    private final Set<TypeElement> done = new LinkedHashSet<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Set<TypeElement> models = new LinkedHashSet<>();
        for (TypeElement a : annotations) {
            for (Element e : round.getElementsAnnotatedWith(a)) {
                if (a.getQualifiedName().contentEquals(COMMAND) && e instanceof TypeElement t) {
                    if (!hasAttribute(mirror(t, COMMAND), "subcommands")) {
                        models.add(t);
                    }
                } else if (e.getKind() == ElementKind.FIELD) {
                    TypeElement owner = (TypeElement) e.getEnclosingElement();
                    if (mirror(owner, COMMAND) == null || !hasAttribute(mirror(owner, COMMAND), "subcommands")) {
                        models.add(owner);
                    }
                    if (a.getQualifiedName().contentEquals(MIXIN)) {
                        models.add((TypeElement) processingEnv.getTypeUtils().asElement(e.asType()));
                    }
                }
            }
        }
        for (TypeElement t : models) {
            if (done.add(t)) {
                try {
                    write(t);
                } catch (IOException e) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write model: " + e, t);
                }
            }
        }
        return false;
    }

    /** The generated class's simple name: Main.Root becomes Main_Root_Model. */
    static String modelName(TypeElement t) {
        StringBuilder sb = new StringBuilder(t.getSimpleName());
        for (Element e = t.getEnclosingElement(); e instanceof TypeElement o; e = o.getEnclosingElement()) {
            sb.insert(0, o.getSimpleName() + "_");
        }
        return sb + "_Model";
    }

    private void write(TypeElement t) throws IOException {
        String pkg = ((PackageElement) processingEnv.getElementUtils().getPackageOf(t)).getQualifiedName().toString();
        String model = modelName(t);
        String cls = t.getQualifiedName().toString();
        if (!"java.lang.Object".equals(processingEnv.getTypeUtils().erasure(t.getSuperclass()).toString())) {
            error(t, "a command or mixin that extends another class");
        }
        AnnotationMirror command = mirror(t, COMMAND);
        StringBuilder body = new StringBuilder();
        List<VariableElement> bound = new ArrayList<>();
        List<String> specFields = new ArrayList<>();
        body.append("        CommandSpec s = CommandSpec.wrapWithoutInspection(o);\n");
        body.append("        s.setAddMethodSubcommands(false);\n"); // the class has no @Command methods (it would not compile here)
        if (command != null) {
            Map<String, AnnotationValue> c = values(command, COMMAND_ATTRS, t);
            if (c.containsKey("name")) {
                body.append("        s.name(").append(literal(c.get("name"))).append(");\n");
            }
            if (c.containsKey("versionProvider")) {
                body.append("        s.versionProvider(new ").append(typeName((TypeMirror) c.get("versionProvider").getValue()))
                        .append("());\n");
            }
            if (c.containsKey("description")) {
                body.append("        s.usageMessage().description(").append(strings(c.get("description"))).append(");\n");
            }
            if (c.containsKey("footer")) {
                body.append("        s.usageMessage().footer(").append(strings(c.get("footer"))).append(");\n");
            }
            if (c.containsKey("sortOptions")) {
                body.append("        s.usageMessage().sortOptions(").append(c.get("sortOptions").getValue()).append(");\n");
            }
        }
        for (VariableElement f : ElementFilter.fieldsIn(t.getEnclosedElements())) {
            AnnotationMirror opt = mirror(f, OPTION);
            AnnotationMirror par = mirror(f, PARAMETERS);
            AnnotationMirror mix = mirror(f, MIXIN);
            AnnotationMirror spec = mirror(f, SPEC);
            if (opt == null && par == null && mix == null && spec == null) {
                continue;
            }
            if (f.getModifiers().contains(Modifier.PRIVATE) || f.getModifiers().contains(Modifier.STATIC)
                    || f.getModifiers().contains(Modifier.FINAL)) {
                error(f, "an annotated field that is private, static or final");
                continue;
            }
            if (spec != null) {
                if (!spec.getElementValues().isEmpty()) {
                    error(f, "@Spec with attributes");
                }
                specFields.add(f.getSimpleName().toString());
            } else if (mix != null) {
                if (!mix.getElementValues().isEmpty()) {
                    error(f, "@Mixin with attributes");
                }
                TypeElement m = (TypeElement) processingEnv.getTypeUtils().asElement(f.asType());
                body.append("        s.addMixin(").append(constant(f.getSimpleName().toString())).append(", ")
                        .append(modelName(m)).append(".spec(o.").append(f.getSimpleName()).append("));\n");
            } else {
                boolean option = opt != null;
                Map<String, AnnotationValue> v = values(option ? opt : par, option ? OPTION_ATTRS : PARAMETERS_ATTRS, f);
                int id = bound.size();
                bound.add(f);
                StringBuilder b = new StringBuilder();
                if (option) {
                    b.append("OptionSpec.builder(").append(strings(v.get("names"))).append(")");
                } else {
                    b.append("PositionalParamSpec.builder()");
                    if (v.containsKey("index")) {
                        b.append("\n                .index(").append(literal(v.get("index"))).append(")");
                    }
                }
                if (v.containsKey("arity")) {
                    b.append("\n                .arity(").append(literal(v.get("arity"))).append(")");
                } else if (option && multiValueBoolean(f.asType())) {
                    // picocli's default for a boolean[] field (-vv) is 0, as for a boolean; the builder's, from the
                    // class alone, would be 1
                    b.append("\n                .arity(picocli.CommandLine.Range.valueOf(\"0\").unspecified(true))");
                }
                // picocli's defaults for an annotated field: the label "<field>", the split regex and description key ""
                b.append("\n                .paramLabel(").append(v.containsKey("paramLabel") ? literal(v.get("paramLabel"))
                        : constant("<" + f.getSimpleName() + ">")).append(")");
                b.append("\n                .splitRegex(\"\").descriptionKey(\"\")");
                if (v.containsKey("description")) {
                    b.append("\n                .description(").append(strings(v.get("description"))).append(")");
                }
                if (!option) {
                    // picocli: a positional parameter is required when its arity's minimum is above 0 (the default
                    // arity of a single value is 1, of a list or array 0..1 or more)
                    boolean multi = f.asType().getKind() == TypeKind.ARRAY || !auxiliarySingle(f.asType());
                    String arity = v.containsKey("arity") ? (String) v.get("arity").getValue() : (multi ? "0" : "1");
                    if (!arity.startsWith("0")) {
                        b.append("\n                .required(true)");
                    }
                }
                if (v.containsKey("defaultValue")) {
                    b.append("\n                .defaultValue(").append(literal(v.get("defaultValue"))).append(")");
                }
                if (v.containsKey("hidden")) {
                    b.append("\n                .hidden(").append(v.get("hidden").getValue()).append(")");
                }
                if (v.containsKey("converter")) {
                    List<String> conv = new ArrayList<>();
                    for (Object x : (List<?>) v.get("converter").getValue()) {
                        conv.add("new " + typeName((TypeMirror) ((AnnotationValue) x).getValue()) + "()");
                    }
                    b.append("\n                .converters(").append(String.join(", ", conv)).append(")");
                }
                TypeMirror ft = f.asType();
                b.append("\n                .type(").append(classLiteral(ft)).append(")");
                b.append("\n                .auxiliaryTypes(").append(String.join(", ", auxiliary(ft))).append(")");
                b.append("\n                .initialValue(o.").append(f.getSimpleName()).append(").hasInitialValue(true)");
                b.append("\n                .getter(new Binding(o, ").append(id).append(")).setter(new Binding(o, ")
                        .append(id).append("))");
                b.append("\n                .withToString(").append(constant("field " + abbreviated(ft) + " "
                        + t.getQualifiedName() + "." + f.getSimpleName())).append(")");
                b.append("\n                .build()");
                body.append("        s.").append(option ? "addOption(" : "addPositional(").append(b).append(");\n");
            }
        }
        if (command != null) {
            Map<String, AnnotationValue> c = command.getElementValues().entrySet().stream().collect(
                    java.util.stream.Collectors.toMap(e -> e.getKey().getSimpleName().toString(), Map.Entry::getValue));
            if (c.containsKey("mixinStandardHelpOptions") && Boolean.TRUE.equals(c.get("mixinStandardHelpOptions").getValue())) {
                body.append("        s.addMixin(\"mixinStandardHelpOptions\", CliModels.standardHelpOptions());\n");
            }
        }
        for (String sf : specFields) {
            body.append("        o.").append(sf).append(" = s;\n");
        }
        body.append("        return s;\n");

        StringBuilder src = new StringBuilder();
        src.append("package ").append(pkg).append(";\n\n");
        src.append("import picocli.CommandLine.Model.CommandSpec;\n");
        src.append("import picocli.CommandLine.Model.OptionSpec;\n");
        src.append("import picocli.CommandLine.Model.PositionalParamSpec;\n\n");
        src.append("/** Generated by {@code io.rdpprobe.cli.processor.CliModelProcessor} from {@link ").append(cls)
                .append("}'s picocli annotations: the same model, built without reflection. Do not edit. */\n");
        src.append("@javax.annotation.processing.Generated(\"io.rdpprobe.cli.processor.CliModelProcessor\")\n");
        src.append("@SuppressWarnings(\"all\")\n");
        src.append("final class ").append(model).append(" {\n");
        src.append("    private ").append(model).append("() {}\n\n");
        src.append("    /** The model of {@code o}, as {@code CommandSpec.forAnnotatedObject(o)} would build it. */\n");
        src.append("    static CommandSpec spec(").append(cls).append(" o) {\n").append(body).append("    }\n\n");
        src.append("    private static final class Binding implements picocli.CommandLine.Model.IGetter, "
                + "picocli.CommandLine.Model.ISetter {\n");
        src.append("        private final ").append(cls).append(" o;\n");
        src.append("        private final int field;\n\n");
        src.append("        Binding(").append(cls).append(" o, int field) {\n            this.o = o;\n            this.field = field;\n        }\n\n");
        src.append("        @Override\n        public <T> T get() {\n            switch (field) {\n");
        for (int i = 0; i < bound.size(); i++) {
            src.append("                case ").append(i).append(": return (T) (Object) o.").append(bound.get(i).getSimpleName()).append(";\n");
        }
        src.append("                default: throw new IllegalStateException(String.valueOf(field));\n            }\n        }\n\n");
        src.append("        @Override\n        public <T> T set(T value) {\n            Object old;\n            switch (field) {\n");
        for (int i = 0; i < bound.size(); i++) {
            VariableElement f = bound.get(i);
            src.append("                case ").append(i).append(": old = o.").append(f.getSimpleName()).append("; o.")
                    .append(f.getSimpleName()).append(" = (").append(castType(f.asType())).append(") (Object) value; return (T) old;\n");
        }
        src.append("                default: throw new IllegalStateException(String.valueOf(field));\n            }\n        }\n    }\n}\n");
        try (Writer w = processingEnv.getFiler().createSourceFile(pkg + "." + model, t).openWriter()) {
            w.write(src.toString());
        }
    }

    /** Whether a declared type has no type arguments (not a collection or map). */
    private static boolean auxiliarySingle(TypeMirror t) {
        return t.getKind() != TypeKind.DECLARED || ((DeclaredType) t).getTypeArguments().isEmpty();
    }

    private static boolean multiValueBoolean(TypeMirror t) {
        if (t.getKind() == TypeKind.ARRAY) {
            String c = ((ArrayType) t).getComponentType().toString();
            return c.equals("boolean") || c.equals("java.lang.Boolean");
        }
        return false;
    }

    private String classLiteral(TypeMirror t) {
        return processingEnv.getTypeUtils().erasure(t).toString() + ".class";
    }

    private List<String> auxiliary(TypeMirror t) {
        List<String> out = new ArrayList<>();
        if (t.getKind() == TypeKind.ARRAY) {
            out.add(classLiteral(((ArrayType) t).getComponentType()));
        } else if (t.getKind() == TypeKind.DECLARED && !((DeclaredType) t).getTypeArguments().isEmpty()) {
            for (TypeMirror a : ((DeclaredType) t).getTypeArguments()) {
                out.add(classLiteral(a));
            }
        } else {
            out.add(classLiteral(t));
        }
        return out;
    }

    /** The type as the setter casts to it: primitives boxed. */
    private String castType(TypeMirror t) {
        if (t.getKind().isPrimitive()) {
            return processingEnv.getTypeUtils().boxedClass((javax.lang.model.type.PrimitiveType) t).getQualifiedName().toString();
        }
        return t.toString();
    }

    /**
     * The field's type as picocli's toString of a field shows it: binary names (Outer$Inner), without
     * "java.lang.".
     */
    private String abbreviated(TypeMirror t) {
        return binary(t).replace("java.lang.", "");
    }

    private String binary(TypeMirror t) {
        if (t.getKind() == TypeKind.ARRAY) {
            return binary(((ArrayType) t).getComponentType()) + "[]";
        }
        if (t.getKind() != TypeKind.DECLARED) {
            return t.toString();
        }
        DeclaredType d = (DeclaredType) t;
        String name = processingEnv.getElementUtils().getBinaryName((TypeElement) d.asElement()).toString();
        if (d.getTypeArguments().isEmpty()) {
            return name;
        }
        List<String> args = new ArrayList<>();
        for (TypeMirror a : d.getTypeArguments()) {
            args.add(binary(a));
        }
        return name + "<" + String.join(", ", args) + ">";
    }

    private String typeName(TypeMirror t) {
        return ((TypeElement) processingEnv.getTypeUtils().asElement(t)).getQualifiedName().toString();
    }

    private String literal(AnnotationValue v) {
        return constant(v.getValue());
    }

    private String constant(Object v) {
        return processingEnv.getElementUtils().getConstantExpression(v);
    }

    /** A String[] attribute as varargs. */
    private String strings(AnnotationValue v) {
        Object o = v.getValue();
        if (!(o instanceof List<?> list)) {
            return constant(o);
        }
        List<String> out = new ArrayList<>();
        for (Object x : list) {
            out.add(constant(((AnnotationValue) x).getValue()));
        }
        return out.isEmpty() ? "new String[0]" : String.join(", ", out);
    }

    private Map<String, AnnotationValue> values(AnnotationMirror m, Set<String> supported, Element where) {
        Map<String, AnnotationValue> out = new LinkedHashMap<>();
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : m.getElementValues().entrySet()) {
            String name = e.getKey().getSimpleName().toString();
            if (!supported.contains(name)) {
                error(where, "the attribute " + name + " (CliModelProcessor translates only " + supported + ")");
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    private static boolean hasAttribute(AnnotationMirror m, String name) {
        return m != null && m.getElementValues().keySet().stream().anyMatch(k -> k.getSimpleName().contentEquals(name));
    }

    private static AnnotationMirror mirror(Element e, String type) {
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().contentEquals(type)) {
                return m;
            }
        }
        return null;
    }

    private void error(Element e, String what) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                "CliModelProcessor: " + what + " is not supported; extend the processor or model it by hand", e);
    }
}
