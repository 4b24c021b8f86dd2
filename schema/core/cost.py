"""The cost of a GraphQL operation: priced before it runs, measured after.

The rules are the ones Shopify publishes, so clients already know them:
scalars and enums cost 0; an object costs 1 plus what is selected under it;
a connection costs 2 plus, for each of its `first`/`last` (else the default
page size) edges, what is selected under the edge; a list without pagination
costs its stated bound (`LIST_BOUNDS`) times one item; every root mutation
field adds `MUTATION_COST`. Loaders batch, so SQL statements are not priced.
Introspection (`__schema`, `__type`, `__typename`) is free: its answer is
bounded by the schema, and it is switched off in production.

Every object returned costs at least 1, so the requested cost is an upper
bound on the number of objects a response can hold, while each list stays
within its bound (tests/schema/test_query_cost_bounds.py walks the schema).
After execution, `actual_cost` counts what was really returned with the same
rules, so the caller is charged for real edges rather than for asked ones.

Hand-written: graphql-core has no cost analysis, and the maintained cost
extensions price neither Relay connections nor variables the way Shopify does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
)

from apps.accounts.services.address_book import ADDRESS_BOOK_MAX
from apps.catalog.models import (
    MAX_ATTRIBUTE_VALUES,
    MAX_ATTRIBUTES,
    MAX_SUBCATEGORIES,
    MAX_VALUES_PER_PRODUCT,
    MAX_VARIANTS_PER_PRODUCT,
)
from apps.catalog.suggestions import MAX_SUGGESTIONS
from schema.core.prebuilt import Prebuilt

# What a root mutation field adds, for the writes and locks behind it.
MUTATION_COST = 10
# What a connection object adds: itself and its pageInfo.
CONNECTION_COST = 2
OBJECT_COST = 1

# Lists without pagination, priced as this many items. Each is a bound the
# domain holds (say how) or a generous ceiling on what a shop holds; the
# response is never cut to it: `actual_cost` charges what was returned.
LIST_BOUNDS: Mapping[str, int] = {
    # Sizes x colours of one product, held by the catalog (model clean and
    # the admin's inline); the demo has 3 to 6.
    "Product.variants": MAX_VARIANTS_PER_PRODUCT,
    # Images per product and per colour, held by the upload service
    # (MEDIA_MAX_PER_PRODUCT, MEDIA_MAX_PER_COLOUR).
    "Product.media": 30,
    "ProductVariant.media": 10,
    # Attributes and their values, held where staff edit them: the models'
    # clean and the product page's formset (apps/catalog/attribute_admin.py).
    "Product.attributes": MAX_ATTRIBUTES,
    "ProductAttribute.values": MAX_VALUES_PER_PRODUCT,
    "ProductFacets.attributes": MAX_ATTRIBUTES,
    "AttributeFacetGroup.values": MAX_ATTRIBUTE_VALUES,
    # searchSuggestions refuses `first` above MAX_SUGGESTIONS.
    "SearchSuggestions.products": MAX_SUGGESTIONS,
    "SearchSuggestions.categories": MAX_SUGGESTIONS,
    "SearchSuggestions.brands": MAX_SUGGESTIONS,
    "SearchSuggestions.collections": MAX_SUGGESTIONS,
    # Direct subcategories of one category, held by the catalog; the demo
    # tree has at most 8.
    "Category.children": MAX_SUBCATEGORIES,
    # orderCreate takes at most 50 lines (issue 10).
    "Order.lines": 50,
    # The address book is capped by its service.
    "User.addresses": ADDRESS_BOOK_MAX,
    # A checkout holds what an order may: at most 50 lines (ORDERS_MAX_LINES).
    "Checkout.lines": 50,
    # Methods of the zones holding one country: a generous ceiling.
    "Checkout.availableShippingMethods": 20,
    # One problem per line at most twice, plus a handful for the checkout.
    "Checkout.problems": 2 * 50 + 10,
    # One row per status change: created, paid, fulfilled or cancelled,
    # refunded; 10 leaves room for failed-payment retries.
    "Order.statusHistory": 10,
    # Distinct sizes and colours on offer; MAX_OPTION_VALUES-like ceilings.
    "ProductFacets.sizes": 50,
    "ProductFacets.colours": 50,
    # Categories of the matches, with their ancestors: the whole tree at most.
    "ProductFacets.categories": 200,
    # TOO_MANY_BUCKETS holds DAY grouping to 366 buckets (MONTH 25, WEEK 106).
    "SalesReport.series": 366,
    # The reports selectors return the top ten.
    "SalesReport.topProducts": 10,
    "SalesReport.topVariants": 10,
    "SalesReport.topCategories": 10,
}
# A payload's `errors`: one per problem found in the input, which is capped
# (orderCreate's 50 lines, string lengths), so 50 is generous.
ERRORS_BOUND = 50
# `nodes(ids:)` returns one item per ID asked, at most this many (refused above).
NODES_MAX_IDS = 100


def list_bound(parent: str, field_name: str, arguments: Mapping[str, Any]) -> int:
    """Return how many items a list field is priced as, from its arguments.

    Raises KeyError for a list field nobody has bounded: the schema walk
    fails on it, so a new list cannot ship unpriced.
    """
    if parent == "Query" and field_name == "nodes":
        ids = arguments.get("ids")
        if not isinstance(ids, list):  # one ID for a list is coerced to [ID]
            return 0 if ids is None else 1
        return min(len(ids), NODES_MAX_IDS)
    if field_name == "errors":
        return ERRORS_BOUND
    return LIST_BOUNDS[f"{parent}.{field_name}"]


def is_connection(object_type: GraphQLObjectType) -> bool:
    """True for a Relay connection type: one with `edges` and `pageInfo`."""
    return "edges" in object_type.fields and "pageInfo" in object_type.fields


def page_size(arguments: Mapping[str, Any]) -> int:
    """Edges a connection can return: `first` or `last`, else the default.

    Sizes above the cap are refused at execution (PAGE_SIZE_EXCEEDED), so
    pricing them at the cap never lets a larger page through.
    """
    cap: int = settings.GRAPHQL_MAX_PAGE_SIZE
    # A variable may hold 100.0: Int coercion accepts an integral float.
    sizes = [
        int(value)
        for value in (arguments.get("first"), arguments.get("last"))
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    size = min(sizes) if sizes else int(settings.GRAPHQL_DEFAULT_PAGE_SIZE)
    return max(0, min(size, cap))


# Per field of a selection: response key, fixed cost, the selection under it
# (None for a leaf), and each possible object type with its own cost.
Plan = tuple[
    tuple[
        str,
        int,
        SelectionSetNode | None,
        tuple[tuple[GraphQLObjectType, int], ...],
    ],
    ...,
]


@dataclass
class _Pricing:
    """One operation's document and variables, with a memo per selection.

    Without the memo a fragment spread several times in several fragments
    would be priced once per path, which grows exponentially with depth.
    """

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    memo: dict[tuple[int, str, int], int] = field(default_factory=dict)
    collected: dict[tuple[int, str], list[FieldNode]] = field(default_factory=dict)
    plans: dict[tuple[int, str], Plan] = field(default_factory=dict)

    # Requested cost --------------------------------------------------------

    def selection_cost(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType, edges: int
    ) -> int:
        """Price what is selected on one `parent` object (`edges`: its page size)."""
        key = (id(selection_set), parent.name, edges)
        if key not in self.memo:
            self.memo[key] = sum(
                self.field_cost(node, parent, edges)
                for node in self.fields(selection_set, parent)
            )
        return self.memo[key]

    def field_cost(self, node: FieldNode, parent: GraphQLObjectType, edges: int) -> int:
        definition = _definition(parent, node)
        if definition is None:  # __typename, __schema, __type: free
            return 0
        base = MUTATION_COST if parent is self.schema.mutation_type else 0
        named = get_named_type(definition.type)
        if is_leaf_type(named) or node.selection_set is None:
            return base
        arguments = self.arguments(node)
        count = 1
        if _is_list(definition.type):
            count = (
                edges
                if node.name.value == "edges"
                else list_bound(parent.name, node.name.value, arguments)
            )
        item = max(
            self.object_cost(node.selection_set, possible, arguments)
            for possible in self.possible_types(named)
        )
        return base + count * item

    def object_cost(
        self,
        selection_set: SelectionSetNode,
        object_type: GraphQLObjectType,
        arguments: Mapping[str, Any],
    ) -> int:
        if is_connection(object_type):
            return CONNECTION_COST + self.selection_cost(
                selection_set, object_type, page_size(arguments)
            )
        return OBJECT_COST + self.selection_cost(selection_set, object_type, 0)

    # Actual cost -------------------------------------------------------------

    def returned_cost(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType, data: Any
    ) -> int:
        """Count what one returned object holds, by the same rules."""
        if not isinstance(data, Mapping):
            return 0
        total = 0
        for key, base, selection, types in self.plan(selection_set, parent):
            total += base
            value = data.get(key)
            if selection is None or value is None:
                continue
            if isinstance(value, Prebuilt) and len(types) == 1:
                total += value.count(partial(self.item_cost, selection, *types[0]))
                continue
            items = value if isinstance(value, list) else (value,)
            if len(types) == 1:  # an object type: no max to take
                object_type, own = types[0]
                present = [item for item in items if item is not None]
                total += own * len(present)
                if self.plan(selection, object_type):  # else only scalars below
                    count = self.returned_cost
                    total += sum(count(selection, object_type, i) for i in present)
                continue
            for item in items:
                if item is not None:
                    total += max(
                        own + self.returned_cost(selection, object_type, item)
                        for object_type, own in types
                    )
        return total

    def item_cost(
        self,
        selection_set: SelectionSetNode,
        object_type: GraphQLObjectType,
        own: int,
        item: Any,
    ) -> int:
        """What one returned object of `object_type` costs, itself included."""
        return own + self.returned_cost(selection_set, object_type, item)

    def plan(self, selection_set: SelectionSetNode, parent: GraphQLObjectType) -> Plan:
        """What counting a returned `parent` object reads, worked out once.

        Per field: its response key, its fixed cost (a root mutation's), and
        for object fields the selection under it with each possible type and
        what one object of it costs.
        """
        key = (id(selection_set), parent.name)
        found = self.plans.get(key)
        if found is None:
            steps = []
            for node in self.fields(selection_set, parent):
                definition = _definition(parent, node)
                if definition is None:
                    continue
                base = MUTATION_COST if parent is self.schema.mutation_type else 0
                named = get_named_type(definition.type)
                leaf = is_leaf_type(named) or node.selection_set is None
                if leaf and not base:
                    continue  # scalars count nothing: skip them in every item
                types = (
                    ()
                    if leaf
                    else tuple(
                        (t, CONNECTION_COST if is_connection(t) else OBJECT_COST)
                        for t in self.possible_types(named)
                    )
                )
                steps.append(
                    (
                        (node.alias or node.name).value,
                        base,
                        None if leaf else node.selection_set,
                        types,
                    )
                )
            found = self.plans[key] = tuple(steps)
        return found

    # The document --------------------------------------------------------------

    def possible_types(self, named: Any) -> list[GraphQLObjectType]:
        if is_abstract_type(named):
            assert isinstance(named, GraphQLAbstractType)
            return list(self.schema.get_possible_types(named))
        assert isinstance(named, GraphQLObjectType)
        return [named]

    def fields(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType
    ) -> list[FieldNode]:
        """The field nodes that apply to `parent`, through fragments and directives.

        Memoized: counting what was returned asks again for every item.
        """
        key = (id(selection_set), parent.name)
        found = self.collected.get(key)
        if found is None:
            found = self.collected[key] = []
            self._collect(selection_set, parent, found, set())
        return found

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        found: list[FieldNode],
        spread: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self.applies(condition.name.value, parent):
                    self._collect(selection.selection_set, parent, found, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment spread twice in one selection merges into one.
                if fragment is None or name in spread:
                    continue
                spread.add(name)
                if self.applies(fragment.type_condition.name.value, parent):
                    self._collect(fragment.selection_set, parent, found, spread)

    def applies(self, type_name: str, parent: GraphQLObjectType) -> bool:
        condition = self.schema.get_type(type_name)
        if condition is parent:
            return True
        if is_abstract_type(condition):
            assert isinstance(condition, GraphQLAbstractType)
            return self.schema.is_sub_type(condition, parent)
        return False

    def included(self, selection: Any) -> bool:
        """Apply @skip and @include, with their variables."""
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next(
                (a.value for a in directive.arguments if a.name.value == "if"), None
            )
            value = self.value(condition) if condition is not None else None
            if (name == "skip" and value is True) or (
                name == "include" and value is False
            ):
                return False
        return True

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        return {
            argument.name.value: self.value(argument.value)
            for argument in node.arguments or ()
        }

    def value(self, node: ValueNode) -> Any:
        """The few argument values pricing reads: ints, booleans and lists."""
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, BooleanValueNode):
            return node.value
        if isinstance(node, ListValueNode):
            return [self.value(item) for item in node.values]
        return None


def _definition(parent: GraphQLObjectType, node: FieldNode) -> GraphQLField | None:
    definition: GraphQLField | None = parent.fields.get(node.name.value)
    return definition


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


@dataclass(frozen=True)
class PricedOperation:
    """An operation ready to price and to measure."""

    pricing: _Pricing
    operation: OperationDefinitionNode
    root: GraphQLObjectType

    def requested_cost(self) -> int:
        """Price the operation before it runs: an upper bound on what it returns."""
        return self.pricing.selection_cost(self.operation.selection_set, self.root, 0)

    def actual_cost(self, data: Mapping[str, Any] | None) -> int:
        """Count what the operation returned, by the same rules."""
        if data is None:
            return 0
        return self.pricing.returned_cost(self.operation.selection_set, self.root, data)

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation == OperationType.MUTATION


def priced_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> PricedOperation | None:
    """Return the operation to run, ready to price; None if there is none.

    `document` must be valid: validation has checked every field and fragment
    exists. Variables the client left out take their declared defaults.
    """
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    operation = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        None,
    )
    if operation is None:
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    pricing = _Pricing(schema=schema, fragments=fragments, variables={})
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = pricing.value(definition.default_value)
    pricing.variables = values
    return PricedOperation(pricing=pricing, operation=operation, root=root)


def selection_cost(
    schema: GraphQLSchema,
    type_name: str,
    selection: str,
    variables: Mapping[str, Any] | None = None,
    *,
    edges: int = 0,
) -> int:
    """Price `selection` (a selection set's text) on one `type_name` object.

    For tests and tools that reason about one type at a time; the document is
    not validated, so pass only fields the type has. `edges`: the page size a
    connection object is priced at.
    """
    object_type = schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType), type_name
    fragment = parse(f"fragment F on {type_name} {selection}").definitions[0]
    assert isinstance(fragment, FragmentDefinitionNode)
    pricing = _Pricing(schema=schema, fragments={}, variables=dict(variables or {}))
    return pricing.selection_cost(fragment.selection_set, object_type, edges)
